import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import { cancelEmailChangeAction } from "./actions";

export const metadata: Metadata = { title: "Cancel the email change" };

/**
 * From the mails to the old address. A button, not the link itself: mail scanners open links, and
 * this one can switch an account back and lock it.
 */
export default async function CancelEmailChangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard
      title="Keep this email address"
      subtitle="If the change is still waiting, it is cancelled. If it already happened, your account switches back to this address: everyone is signed out, and you choose a new password to get back in."
    >
      <ConfirmForm
        action={cancelEmailChangeAction}
        hidden={{ token: typeof token === "string" ? token.slice(0, 100) : "" }}
        label="Keep my email address"
        pendingLabel="Working…"
        done={{ href: "/forgot-password", label: "Choose a new password" }}
      />
    </AuthCard>
  );
}
