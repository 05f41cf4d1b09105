import type { Metadata } from "next";
import { MailedLinkCard } from "@/components/auth/mailed-link-card";
import { confirmEmailChangeAction } from "./actions";

export const metadata: Metadata = { title: "Confirm your new email" };

/** From the mail to the new address. */
export default async function ConfirmEmailChangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <MailedLinkCard
      token={token}
      title="Confirm your new email"
      subtitle="Your account signs in with this address once you confirm."
      action={confirmEmailChangeAction}
      label="Use this email address"
      pendingLabel="Confirming…"
      done={{ href: "/account", label: "Continue to your account" }}
    />
  );
}
