import type { Metadata } from "next";
import { MailedLinkCard } from "@/components/auth/mailed-link-card";
import { notMeAction } from "./actions";

export const metadata: Metadata = { title: "This wasn't me" };

/** From the new-sign-in mail. */
export default async function NotMePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <MailedLinkCard
      token={token}
      title="Secure your account"
      subtitle="If someone else signed in to your account, lock it now: every session ends, and a new password opens it again."
      action={notMeAction}
      label="Lock my account"
      pendingLabel="Locking…"
      done={{ href: "/forgot-password", label: "Choose a new password" }}
    />
  );
}
