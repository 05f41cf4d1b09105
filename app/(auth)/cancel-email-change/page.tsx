import type { Metadata } from "next";
import { MailedLinkCard } from "@/components/auth/mailed-link-card";
import { cancelEmailChangeAction } from "./actions";

export const metadata: Metadata = { title: "Cancel the email change" };

/**
 * From the mails to the old address. A button, not the link itself: mail scanners open links, and
 * this one can switch an account back and lock it.
 */
export default async function CancelEmailChangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <MailedLinkCard
      token={token}
      title="Keep this email address"
      subtitle="If the change is still waiting, it is cancelled. If it already happened, your account switches back to this address: everyone is signed out, and you choose a new password to get back in."
      action={cancelEmailChangeAction}
      label="Keep my email address"
      pendingLabel="Working…"
      done={{ href: "/forgot-password", label: "Choose a new password" }}
    />
  );
}
