import type { Metadata } from "next";
import { MailedLinkCard } from "@/components/auth/mailed-link-card";
import { verifyEmailAction } from "./actions";

export const metadata: Metadata = { title: "Verify your email" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <MailedLinkCard
      token={token}
      title="Verify your email"
      subtitle="Confirm that this address belongs to you."
      action={verifyEmailAction}
      label="Verify my email"
      pendingLabel="Verifying…"
      done={{ href: "/account", label: "Continue to your account" }}
    />
  );
}
