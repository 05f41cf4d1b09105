import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import { confirmEmailChangeAction } from "./actions";

export const metadata: Metadata = { title: "Confirm your new email" };

/** From the mail to the new address. A button, not the link itself: mail scanners open links, they do not press buttons. */
export default async function ConfirmEmailChangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Confirm your new email" subtitle="Your account signs in with this address once you confirm.">
      <ConfirmForm
        action={confirmEmailChangeAction}
        hidden={{ token: typeof token === "string" ? token.slice(0, 100) : "" }}
        label="Use this email address"
        pendingLabel="Confirming…"
        done={{ href: "/account", label: "Continue to your account" }}
      />
    </AuthCard>
  );
}
