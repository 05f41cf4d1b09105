import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireSession } from "@/lib/http";
import { getPreferences, PreferenceError } from "@/lib/preferences";
import { PreferencesForm } from "@/components/portal/preferences-form";
import { updatePreferencesAction } from "./actions";

export const metadata: Metadata = { title: "Communication preferences" };

export default async function PreferencesPage() {
  const session = await requireSession("/account/preferences");
  const topics = await getPreferences(session.user, session.user.id).catch((e: unknown) => {
    if (e instanceof PreferenceError && e.code === "not_found") notFound();
    throw e;
  });
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Communication preferences</h1>
      <p className="mb-8 mt-1 max-w-2xl text-slate-600 dark:text-slate-400">
        Choose what we may send you, and how. Messages about your account&rsquo;s security are always sent. Nothing is switched on for marketing
        until you tick it.
      </p>
      {topics.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-topics">
          There is nothing to choose yet.
        </p>
      ) : (
        <PreferencesForm action={updatePreferencesAction} topics={topics.map(({ key, label, description, channels }) => ({ key, label, description, channels: channels.map(({ channel, optedIn }) => ({ channel, optedIn })) }))} />
      )}
    </>
  );
}
