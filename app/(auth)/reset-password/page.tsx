import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { previewRecovery } from "@/lib/users";
import { tokenSchema } from "@/lib/users/users.schema";
import { resetPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const value = typeof token === "string" ? token.slice(0, 100) : "";
  // The link proves the mailbox: show what the reset removes (recently added methods) and what stays.
  const parsed = tokenSchema.safeParse(value);
  const preview = parsed.success ? await previewRecovery(parsed.data) : null;
  const methods = preview && {
    recent: preview.recent.map((m) => m.label),
    others: preview.others.map((m) => m.label),
    since: preview.recentSince.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }),
  };
  return (
    <AuthCard title="Choose a new password" subtitle="After the change, every device and application signed in to your account is signed out.">
      <ResetPasswordForm action={resetPasswordAction} token={value} methods={methods ?? undefined} />
    </AuthCard>
  );
}
