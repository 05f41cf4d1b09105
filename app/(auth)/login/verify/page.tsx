import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { SecondFactorForm, SendCodeForm } from "@/components/auth/second-factor-form";
import { PasskeySecondStep } from "@/components/auth/passkey-sign-in";
import { secondStepMethods } from "@/lib/factors";
import { findPendingSecondStep } from "@/lib/sign-in";
import { currentSession, pendingSignInToken, rememberedSecondFactorMethod } from "@/lib/http";
import { passkeySecondStepOptionsAction, sendEmailCodeAction, sendSmsCodeAction, verifyPasskeySecondStepAction, verifySecondFactorAction } from "./actions";

export const metadata: Metadata = { title: "Two-step verification" };

const linkClass = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

const SUBTITLES = {
  passkey: "Use the passkey on this device, your phone or your security key.",
  totp: "Open your authenticator app and enter the code it shows for Portico.",
  sms: "We can text a code to the phone number of your account.",
  email: "We can email a code to the address of your account.",
  recovery: "Enter one of your recovery codes.",
};

const METHODS = [
  { method: "passkey", href: "/login/verify?method=passkey", label: "Use a passkey" },
  { method: "totp", href: "/login/verify?method=totp", label: "Use your authenticator app" },
  { method: "sms", href: "/login/verify?method=sms", label: "Text me a code instead" },
  { method: "email", href: "/login/verify?method=email", label: "Email me a code instead" },
  { method: "recovery", href: "/login/verify?method=recovery", label: "Use a recovery code instead" },
] as const;

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
  // Only the methods this user has. An explicit choice (the links below), else the method this
  // browser used last, else the strongest.
  // (Right after success there is no pending sign-in: the page keeps what it showed.)
  const available = pending
    ? await secondStepMethods(pending.userId, pending.methods, { emailCodeWithStrongFactor: pending.emailCodeWithStrongFactor })
    : METHODS.map((m) => m.method);
  const requested = (await searchParams).method ?? (await rememberedSecondFactorMethod());
  const method = available.find((m) => m === requested) ?? available[0] ?? "email";
  const others = METHODS.filter((m) => m.method !== method && (available as readonly string[]).includes(m.method));
  return (
    <AuthCard
      title="Two-step verification"
      subtitle={SUBTITLES[method]}
      footer={
        <nav aria-label="Other ways to verify" className="flex flex-wrap justify-center gap-x-3 gap-y-1">
          {others.map((m) => (
            <Link key={m.method} href={m.href} className={linkClass}>
              {m.label}
            </Link>
          ))}
          <Link href="/login" className={linkClass}>
            Start over
          </Link>
        </nav>
      }
    >
      <div className="space-y-5">
        {method === "email" || method === "sms" ? <SendCodeForm action={method === "sms" ? sendSmsCodeAction : sendEmailCodeAction} channel={method} /> : null}
        {method === "passkey" ? (
          <PasskeySecondStep optionsAction={passkeySecondStepOptionsAction} verifyAction={verifyPasskeySecondStepAction} />
        ) : (
          <SecondFactorForm action={verifySecondFactorAction} method={method} />
        )}
      </div>
    </AuthCard>
  );
}
