import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { resetPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Choose a new password" subtitle="After the change, every device signed in to your account is signed out.">
      <ResetPasswordForm action={resetPasswordAction} token={typeof token === "string" ? token.slice(0, 100) : ""} />
    </AuthCard>
  );
}
