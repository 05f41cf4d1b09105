import type { Metadata } from "next";
import { MailedLinkCard } from "@/components/auth/mailed-link-card";
import { cancelDeletionAction } from "./actions";

export const metadata: Metadata = { title: "Keep your account" };

/** From the deletion mail. */
export default async function CancelDeletionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <MailedLinkCard
      token={token}
      title="Keep your account"
      subtitle="Your account is waiting to be erased. Keep it, and it opens again: sign in as before."
      action={cancelDeletionAction}
      label="Keep my account"
      pendingLabel="Working…"
      done={{ href: "/login", label: "Sign in" }}
    />
  );
}
