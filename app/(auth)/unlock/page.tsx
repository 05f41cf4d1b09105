import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import { unlockAction } from "./actions";

export const metadata: Metadata = { title: "Unlock your account" };

export default async function UnlockPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Unlock your account" subtitle="Sign-in was locked after several failed attempts.">
      <ConfirmForm
        action={unlockAction}
        hidden={{ token: typeof token === "string" ? token.slice(0, 100) : "" }}
        label="Unlock my account"
        pendingLabel="Unlocking…"
        done={{ href: "/login", label: "Sign in" }}
      />
    </AuthCard>
  );
}
