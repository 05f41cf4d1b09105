import type { Metadata } from "next";
import { SetupFinished } from "@/components/portal/setup-finished";
import { ConfirmFactorForm } from "@/components/portal/recovery-codes";
import { requireSession, safeNextPath } from "@/lib/http";
import { pendingTotpEnrolment } from "@/lib/factors";
import { confirmTotpAction } from "../actions";

export const metadata: Metadata = { title: "Set up an authenticator app" };

export default async function TotpSetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/account/security");
  const { user } = session;
  const params = await searchParams;
  const factorId = params.factor;
  const next = typeof params.next === "string" ? safeNextPath(params.next) : undefined;
  const enrolment = typeof factorId === "string" && /^[0-9a-f-]{36}$/.test(factorId) ? await pendingTotpEnrolment({ id: user.id, email: user.email }, factorId) : null;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Set up an authenticator app</h1>
      {enrolment ? (
        <div className="mt-6 grid gap-8 md:grid-cols-2">
          <div className="space-y-3">
            <p className="text-sm text-slate-600 dark:text-slate-400">1. Scan this code with an authenticator app (Google Authenticator, 1Password, Authy…).</p>
            {/* SVG made by the qrcode library from our own otpauth URI: no user input, no script. */}
            <div className="w-56 rounded-lg bg-white p-2" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }} />
            <p className="text-sm text-slate-600 dark:text-slate-400">No camera? Enter this key instead:</p>
            <code data-testid="totp-secret" className="block break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm dark:bg-slate-800">
              {enrolment.secret.match(/.{1,4}/g)!.join(" ")}
            </code>
          </div>
          <div className="space-y-3">
            <p className="text-sm text-slate-600 dark:text-slate-400">2. Enter the six-digit code the app now shows, to prove it works.</p>
            <ConfirmFactorForm
              action={confirmTotpAction}
              factorId={enrolment.factorId}
              next={next}
              codeLabel="Code from the app"
              enabledMessage="Two-step verification is on. Signing in will ask for a code from your app."
            />
          </div>
        </div>
      ) : (
        <SetupFinished />
      )}
    </>
  );
}
