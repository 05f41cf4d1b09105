import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SecondFactorForm } from "@/components/auth/second-factor-form";
import { findPendingSecondStep } from "@/lib/mfa";
import { pendingSignInToken } from "@/lib/http";
import { verifySecondFactorAction } from "./actions";

export const metadata: Metadata = { title: "Two-step verification" };

const linkClass = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const pending = await findPendingSecondStep(await pendingSignInToken());
  // Nothing pending (expired, finished, or never started): the sign-in starts over.
  if (!pending) redirect("/login");
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
