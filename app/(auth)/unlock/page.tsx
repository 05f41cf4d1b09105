import type { Metadata } from "next";
import { MailedLinkCard } from "@/components/auth/mailed-link-card";
import { unlockAction } from "./actions";

export const metadata: Metadata = { title: "Unlock your account" };

export default async function UnlockPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <MailedLinkCard
      token={token}
      title="Unlock your account"
      subtitle="Sign-in was locked after several failed attempts."
      action={unlockAction}
      label="Unlock my account"
      pendingLabel="Unlocking…"
      done={{ href: "/login", label: "Sign in" }}
    />
  );
}
