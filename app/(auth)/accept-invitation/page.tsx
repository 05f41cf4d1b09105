import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Alert } from "@/components/ui/alert";
import { previewInvitation } from "@/lib/users";
import { tokenSchema } from "@/lib/users/users.schema";
import { acceptInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Set your password" };

/** An administrator created the account and mailed this link: the owner chooses the password (lib/users acceptInvitation). */
export default async function AcceptInvitationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const value = typeof token === "string" ? token.slice(0, 100) : "";
  const parsed = tokenSchema.safeParse(value);
  const invitation = parsed.success ? await previewInvitation(parsed.data) : null;
  return (
    <AuthCard title="Set your password" subtitle={invitation ? `For your account ${invitation.email}.` : undefined}>
      {invitation ? (
        <ResetPasswordForm action={acceptInvitationAction} token={value} />
      ) : (
        <Alert tone="error">This invitation link is invalid, was already used or has expired. Ask your administrator for a new one.</Alert>
      )}
    </AuthCard>
  );
}
