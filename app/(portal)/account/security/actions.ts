"use server";
import { redirect } from "next/navigation";
import {
  beginSmsEnrolment,
  beginTotpEnrolment,
  confirmSmsEnrolment,
  confirmTotpEnrolment,
  dismissEnrolmentOffer,
  forgetTrustedDevices,
  MfaError,
  PASSKEY_AMR,
  passkeyRegistrationOptions,
  regenerateRecoveryCodes,
  registerPasskey,
  removeSecondFactor,
  resendSmsEnrolmentCode,
  type MfaUser,
} from "@/lib/factors";
import type { RequestContext } from "@/lib/audit";
import type { PasskeyCreationOptionsState } from "@/components/auth/passkey-types";
import { addAuthenticationMethods } from "@/lib/sessions";
import { changePassword } from "@/lib/sign-in";
import { changePasswordSchema } from "@/lib/users/users.schema";
import { z } from "zod";
import { customerAction, noInput, requestContext, requireRecentSession, requireSession, safeNextPath, type FormState } from "@/lib/http";
import type { ActiveSession } from "@/lib/sessions";

export type CodesState = FormState & { recoveryCodes?: string[] };

const PAGE = "/account/security";

/** Changing how the account signs in needs a recent sign-in (sudo mode, lib/http/guards.ts), not just any live session. */
const SUDO = { returnTo: PAGE, recentSignIn: true } as const;

const recentSession = () => requireRecentSession(PAGE);

function mfaUser({ user }: ActiveSession): MfaUser {
  return { id: user.id, email: user.email, displayName: user.displayName };
}

async function signedInUser() {
  return mfaUser(await recentSession());
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** `next`: where to continue once it is set up (an application that asked for it, see lib/oidc/mfa-policy.ts). */
export async function beginTotpAction(form: FormData): Promise<void> {
  const enrolment = await beginTotpEnrolment(await signedInUser()).catch((e: unknown) => {
    // An unverified address enrols nothing: the page says why (and offers the verification mail again).
    if (e instanceof MfaError && e.code === "email_unverified") redirect("/account/security");
    throw e;
  });
  const next = form.get("next");
  const q = new URLSearchParams({ factor: enrolment.factorId, ...(typeof next === "string" && next ? { next: safeNextPath(next) } : {}) });
  redirect(`/account/security/totp?${q}`);
}

/** "Not now" to the offer: not asked again for a week; the sign-in continues. */
export async function notNowAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user } = await requireSession(PAGE);
  await dismissEnrolmentOffer(user.id, await requestContext());
  const target = safeNextPath(String(form.get("next") ?? ""));
  if (form.get("js") === "1") return { ok: true, redirectTo: target };
  redirect(target);
}

export const confirmTotpAction = confirmEnrolment("Enter the six digits your app shows.", confirmTotpEnrolment, ["otp", "mfa"]);

/**
 * The first code of a new factor. It proves the factor inside this session, so the session gains
 * its methods (`amr`): it is a two-factor session now.
 */
function confirmEnrolment(
  hint: string,
  confirm: (user: MfaUser, factorId: string, code: string, ctx: RequestContext) => Promise<{ recoveryCodes: string[] | null }>,
  amr: string[],
) {
  return customerAction(
    {
      ...SUDO,
      schema: z.object({ code: z.string().regex(/^\d{6}$/, hint), factor: z.string() }),
      input: (_prev: CodesState, form: FormData) => ({ code: text(form, "code").replace(/\s/g, "").slice(0, 12), factor: text(form, "factor") }),
    },
    async ({ code, factor }, session): Promise<CodesState> => {
      const ctx = await requestContext();
      const { recoveryCodes } = await confirm(mfaUser(session), factor, code, ctx);
      await addAuthenticationMethods(session.id, amr, ctx);
      return { ok: true, recoveryCodes: recoveryCodes ?? undefined };
    },
  );
}

/** Texts a code to the number typed; then the code is confirmed on /account/security/sms. */
export const beginSmsAction = customerAction(
  {
    ...SUDO,
    schema: z.object({ phone: z.string(), next: z.string() }),
    input: (_prev: FormState, form: FormData) => ({ phone: text(form, "phone"), next: text(form, "next") }),
    echo: (_prev, form) => ({ phone: text(form, "phone") }),
  },
  async ({ phone, next }, session): Promise<FormState> => {
    const { factorId } = await beginSmsEnrolment(mfaUser(session), phone, await requestContext());
    const q = new URLSearchParams({ factor: factorId, ...(next ? { next: safeNextPath(next) } : {}) });
    redirect(`${PAGE}/sms?${q}`);
  },
);

export const resendSmsCodeAction = customerAction(
  { ...SUDO, schema: z.object({ factor: z.string() }), input: (_prev: FormState, form: FormData) => ({ factor: text(form, "factor") }) },
  async ({ factor }, session): Promise<FormState> => {
    const { sentTo } = await resendSmsEnrolmentCode(mfaUser(session), factor, await requestContext());
    return { ok: true, message: `We sent a new code to ${sentTo}.` };
  },
);

export const confirmSmsAction = confirmEnrolment("Enter the six digits from the text message.", confirmSmsEnrolment, ["sms", "mfa"]);

export async function removeFactorAction(form: FormData): Promise<void> {
  await removeSecondFactor(await signedInUser(), String(form.get("factor") ?? ""), await requestContext()).catch((e: unknown) => {
    if ((e as { code?: string }).code !== "not_found") throw e; // already gone: the page shows the truth
  });
  redirect("/account/security");
}

export const regenerateCodesAction = customerAction({ ...SUDO, ...noInput }, async (_input, session): Promise<CodesState> => {
  return { ok: true, recoveryCodes: await regenerateRecoveryCodes(mfaUser(session), await requestContext()) };
});

export async function forgetDevicesAction(): Promise<void> {
  await forgetTrustedDevices(await signedInUser(), await requestContext());
  redirect("/account/security");
}

/** A registration challenge for a new passkey of this account. */
export const passkeyRegistrationOptionsAction = customerAction({ ...SUDO, ...noInput }, async (_input, session): Promise<PasskeyCreationOptionsState> => {
  return { options: await passkeyRegistrationOptions(mfaUser(session)) };
});

/** The browser's answer to the ceremony (checked by lib/factors) and the name the user gave the passkey. */
export const registerPasskeyAction = customerAction(
  { ...SUDO, schema: z.object({ response: z.unknown(), name: z.string().catch("") }), input: (response: unknown, name: unknown) => ({ response, name }) },
  async ({ response, name }, session): Promise<CodesState> => {
    const ctx = await requestContext();
    const { recoveryCodes } = await registerPasskey(mfaUser(session), response, name, ctx);
    // The ceremony just verified the user on the new passkey: this session has two factors now.
    await addAuthenticationMethods(session.id, [...PASSKEY_AMR, "mfa"], ctx);
    return { ok: true, recoveryCodes: recoveryCodes ?? undefined };
  },
);

/**
 * Current password + new password: lib/sign-in checks both, replaces the hash and signs every other
 * session out. The current password is the re-authentication (a wrong one counts on the sign-in
 * throttle), so no recent sign-in is asked for. Passwords are never echoed back into the form.
 */
export const changePasswordAction = customerAction(
  {
    schema: changePasswordSchema,
    input: (_prev: FormState, form: FormData) => ({ currentPassword: form.get("currentPassword"), newPassword: form.get("newPassword"), confirmPassword: form.get("confirmPassword") }),
    returnTo: PAGE,
    signedOutMessage: "Your session has ended. Sign in again; your password was not changed.",
  },
  async (input, session): Promise<FormState> => {
    const { sessionsRevoked } = await changePassword({ id: session.id, user: session.user }, input, await requestContext());
    const others = sessionsRevoked ? ` ${sessionsRevoked} other session${sessionsRevoked === 1 ? " was" : "s were"} signed out.` : "";
    return { ok: true, message: `Your password is changed.${others}` };
  },
);
