import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import { verifyEmailAction } from "./actions";

export const metadata: Metadata = { title: "Verify your email" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Verify your email" subtitle="Confirm that this address belongs to you.">
      <ConfirmForm
        action={verifyEmailAction}
        hidden={{ token: typeof token === "string" ? token.slice(0, 100) : "" }}
        label="Verify my email"
        pendingLabel="Verifying…"
        done={{ href: "/account", label: "Continue to your account" }}
      />
    </AuthCard>
  );
}
