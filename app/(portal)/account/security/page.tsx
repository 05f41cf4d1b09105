import type { Metadata } from "next";
import { RegenerateCodesForm } from "@/components/portal/recovery-codes";
import { Alert } from "@/components/ui/alert";
import { NotNowForm } from "@/components/portal/not-now-form";
import { requireSession, safeNextPath } from "@/lib/http";
import { securityOverview, trustedDeviceCount } from "@/lib/factors";
import { hasPassword, NO_PASSWORD_MESSAGE } from "@/lib/users";
import { ChangePasswordForm } from "@/components/portal/change-password-form";
import { resendVerificationAction } from "@/app/(auth)/verify-email/actions";
import { UnverifiedBanner } from "@/components/portal/resend-verification";
import { AddPasskeyForm } from "@/components/portal/add-passkey";
import { AddPhoneForm } from "@/components/portal/add-phone";
import { beginSmsAction, beginTotpAction, changePasswordAction, forgetDevicesAction, notNowAction, passkeyRegistrationOptionsAction, regenerateCodesAction, registerPasskeyAction, removeFactorAction } from "./actions";
import { secondaryButton, surface } from "@/components/ui/styles";

export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/account/security");
  const { user } = session;
  const [{ factors, recoveryCodesLeft }, trustedDevices, passwordSet] = await Promise.all([securityOverview(user.id), trustedDeviceCount(user.id), hasPassword(user.id)]);
  const on = factors.length > 0;
  const passkeys = factors.filter((f) => f.type === "passkey");
  const apps = factors.filter((f) => f.type === "totp");
  const phones = factors.filter((f) => f.type === "sms");
  // Sent here by an application's MFA policy (lib/oidc/mfa-policy.ts) in the middle of a sign-in.
  const params = await searchParams;
  const asked = !on && (params.mfa === "required" || params.mfa === "offer") ? params.mfa : null;
  const next = asked && typeof params.next === "string" ? safeNextPath(params.next) : null;
  // Factors are enrolled only on a verified address (lib/factors refuses otherwise): no enrolment controls until then.
  const canEnrol = user.emailVerified;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Security</h1>
      {params.mfa === "admin" ? (
        // Sent here by the admin console (lib/http/guards.ts requireAdmin).
        <Alert tone="info">The admin console needs two-step verification with an authenticator app or a passkey. Set one up here, then open the console again.</Alert>
      ) : null}
      {!canEnrol ? (
        <div className="mt-4 space-y-3" data-testid="verify-first">
          <Alert tone="info">Verify your email address first: open the link we emailed you. Then you can add a passkey, an authenticator app or a phone number.</Alert>
          <UnverifiedBanner email={user.email} action={resendVerificationAction} />
        </div>
      ) : null}
      {asked === "required" ? (
        <Alert tone="info">The application you are signing in to requires two-step verification. Set it up to continue.</Alert>
      ) : null}
      {asked === "offer" && next ? (
        <div className="mt-4 space-y-3">
          <Alert tone="info">Protect your account: with two-step verification, a stolen password is not enough to sign in.</Alert>
          <NotNowForm action={notNowAction} next={next} />
        </div>
      ) : null}
      <section aria-labelledby="password" className={`${surface} mt-6 p-5 space-y-4`}>
        <div>
          <h2 id="password" className="text-lg font-semibold">Password</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {passwordSet ? "Changing it signs out every other browser and the applications you signed in to there; this browser stays signed in." : NO_PASSWORD_MESSAGE}
          </p>
        </div>
        {passwordSet ? <ChangePasswordForm action={changePasswordAction} email={user.email} displayName={user.displayName ?? undefined} /> : null}
      </section>
      <section aria-labelledby="two-step" className={`${surface} mt-6 p-5 space-y-4`}>
        <div>
          <h2 id="two-step" className="text-lg font-semibold">Two-step verification</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400" data-testid="two-step-status">
            {on ? "On: signing in with your password also asks for a code or a passkey." : "Off: your password alone signs you in."}
          </p>
        </div>
        {apps.length ? <FactorList factors={apps} /> : null}
        {canEnrol ? (
          <form action={beginTotpAction}>
            {next ? <input type="hidden" name="next" value={next} /> : null}
            <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
              {apps.length ? "Add another authenticator app" : "Set up an authenticator app"}
            </button>
          </form>
        ) : null}
      </section>
      <section aria-labelledby="passkeys" className={`${surface} mt-6 p-5 space-y-4`}>
        <div>
          <h2 id="passkeys" className="text-lg font-semibold">Passkeys</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Sign in with your fingerprint, face or device PIN instead of a password. A passkey also works as the second step.
          </p>
        </div>
        {passkeys.length ? <FactorList factors={passkeys} /> : null}
        {canEnrol ? (
          <AddPasskeyForm optionsAction={passkeyRegistrationOptionsAction} registerAction={registerPasskeyAction} next={next ?? undefined} />
        ) : null}
      </section>
      <section aria-labelledby="sms" className={`${surface} mt-6 p-5 space-y-4`}>
        <div>
          <h2 id="sms" className="text-lg font-semibold">Text messages</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Get the second-step code by text message. Handy as a backup, but weaker than an app or a passkey: a phone number can be taken over.
          </p>
        </div>
        {phones.length ? <FactorList factors={phones} /> : null}
        {canEnrol ? <AddPhoneForm action={beginSmsAction} next={next ?? undefined} hasPhone={phones.length > 0} /> : null}
      </section>
      {on ? (
        <section aria-labelledby="recovery" className={`${surface} mt-6 p-5 space-y-3`}>
          <h2 id="recovery" className="text-lg font-semibold">Recovery codes</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="recovery-codes-left">
            {recoveryCodesLeft} unused recovery code{recoveryCodesLeft === 1 ? "" : "s"} left. New codes replace all the old ones.
          </p>
          <RegenerateCodesForm action={regenerateCodesAction} />
        </section>
      ) : null}
      {on ? (
        <section aria-labelledby="devices" className={`${surface} mt-6 p-5 space-y-3`}>
          <h2 id="devices" className="text-lg font-semibold">Trusted devices</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="trusted-devices">
            {trustedDevices} browser{trustedDevices === 1 ? "" : "s"} skip the second step (for 30 days from when you trusted them).
          </p>
          {trustedDevices > 0 ? (
            <form action={forgetDevicesAction}>
              <button type="submit" className={secondaryButton}>Forget all trusted devices</button>
            </form>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

type FactorSummary = Awaited<ReturnType<typeof securityOverview>>["factors"][number];

function FactorList({ factors }: { factors: FactorSummary[] }) {
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800">
      {factors.map((f) => (
        <li key={f.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="factor">
          <div>
            <p className="font-medium">{f.label}</p>
            <p className="text-xs text-slate-500">
              Added <time dateTime={f.createdAt.toISOString()}>{f.createdAt.toUTCString()}</time>
              {f.lastUsedAt ? <> · last used <time dateTime={f.lastUsedAt.toISOString()}>{f.lastUsedAt.toUTCString()}</time></> : null}
            </p>
            {f.flaggedAt ? (
              <p className="mt-1 text-sm text-red-600 dark:text-red-400">Blocked: this passkey may have been copied to another device. Remove it and add a new one.</p>
            ) : null}
          </div>
          <form action={removeFactorAction}>
            <input type="hidden" name="factor" value={f.id} />
            <button type="submit" className={secondaryButton} aria-label={`Remove ${f.label}`}>
              Remove
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}
