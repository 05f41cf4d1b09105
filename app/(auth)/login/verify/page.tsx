import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { SecondFactorForm } from "@/components/auth/second-factor-form";
import { findPendingSecondStep } from "@/lib/mfa";
import { currentSession, pendingSignInToken } from "@/lib/http";
import { verifySecondFactorAction } from "./actions";

export const metadata: Metadata = { title: "Two-step verification" };

const linkClass = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const pending = await findPendingSecondStep(await pendingSignInToken());
  // Nothing pending and nobody signed in: expired, used up, or never started. This page is also
  // re-rendered right after the step succeeds (the action sets cookies); then a session exists and
  // the form must stay mounted, so its own navigation to the application happens (no redirect here).
  if (!pending && !(await currentSession())) {
    return (
      <AuthCard title="Two-step verification" subtitle="This sign-in has expired or is already complete.">
        <Link href="/login" className={linkClass}>
          Sign in
        </Link>
      </AuthCard>
    );
  }
  const method = (await searchParams).method === "recovery" ? "recovery" : "totp";
  return (
    <AuthCard
      title="Two-step verification"
      subtitle={method === "totp" ? "Open your authenticator app and enter the code it shows for Portico." : "Enter one of your recovery codes."}
      footer={
        <>
          {method === "totp" ? (
            <Link href="/login/verify?method=recovery" className={linkClass}>
              Use a recovery code instead
            </Link>
          ) : (
            <Link href="/login/verify" className={linkClass}>
              Use your authenticator app instead
            </Link>
          )}
          {" · "}
          <Link href="/login" className={linkClass}>
            Start over
          </Link>
        </>
      }
    >
      <SecondFactorForm action={verifySecondFactorAction} method={method} />
    </AuthCard>
  );
}
