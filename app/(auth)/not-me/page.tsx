import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import { notMeAction } from "./actions";

export const metadata: Metadata = { title: "This wasn't me" };

/** From the new-sign-in mail. A button, not the link itself: mail scanners open links, they do not press buttons. */
export default async function NotMePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Secure your account" subtitle="If someone else signed in to your account, lock it now: every session ends, and a new password opens it again.">
      <ConfirmForm
        action={notMeAction}
        hidden={{ token: typeof token === "string" ? token.slice(0, 100) : "" }}
        label="Lock my account"
        pendingLabel="Locking…"
        done={{ href: "/forgot-password", label: "Choose a new password" }}
      />
    </AuthCard>
  );
}
