import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireSession } from "@/lib/http";
import { getActivityEntry } from "@/lib/activity";
import { ActivityList } from "@/components/portal/activity-list";
import { ConfirmForm } from "@/components/auth/simple-form";
import { reportActivityAction } from "./actions";

export const metadata: Metadata = { title: "Report activity" };

/** The entry being reported, what reporting it does, and the button (a page of its own, not a one-click link). */
export default async function ReportActivityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { event } = await searchParams;
  const session = await requireSession(`/account/activity/report?event=${encodeURIComponent(typeof event === "string" ? event.slice(0, 20) : "")}`);
  const entry = typeof event === "string" ? await getActivityEntry(session.user, session.user.id, event) : null;
  if (!entry) notFound();
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">This wasn&apos;t me</h1>
      <ActivityList entries={[entry]} report={false} />
      <div className="mt-6 max-w-xl space-y-4 text-slate-700 dark:text-slate-300">
        <p>If someone else did this, secure your account now. We will:</p>
        <ul className="list-inside list-disc text-sm">
          <li>lock the account until you choose a new password (we email you the link),</li>
          <li>remove the sign-in methods added recently,</li>
          <li>sign out every session, this one included, and remove the access of applications signed in through them.</li>
        </ul>
        <ConfirmForm
          action={reportActivityAction}
          hidden={{ event: entry.id }}
          label="Lock my account"
          pendingLabel="Locking…"
          done={{ href: "/forgot-password", label: "Choose a new password" }}
        />
      </div>
    </>
  );
}
