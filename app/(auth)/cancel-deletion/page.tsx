import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import { cancelDeletionAction } from "./actions";

export const metadata: Metadata = { title: "Keep your account" };

/** From the deletion mail. A button, not the link itself: mail scanners open links. */
export default async function CancelDeletionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Keep your account" subtitle="Your account is waiting to be erased. Keep it, and it opens again: sign in as before.">
      <ConfirmForm
        action={cancelDeletionAction}
        hidden={{ token: typeof token === "string" ? token.slice(0, 100) : "" }}
        label="Keep my account"
        pendingLabel="Working…"
        done={{ href: "/login", label: "Sign in" }}
      />
    </AuthCard>
  );
}
