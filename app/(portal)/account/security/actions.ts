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
import { formErrorFrom, requestContext, requireRecentSession, requireSession, safeNextPath, type FormState } from "@/lib/http";

export type CodesState = FormState & { recoveryCodes?: string[] };

/** Changing how the account signs in needs a recent sign-in (sudo mode, lib/http/guards.ts), not just any live session. */
const recentSession = () => requireRecentSession("/account/security");

async function signedInUser() {
  const { user } = await recentSession();
  return { id: user.id, email: user.email, displayName: user.displayName };
}

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
  const { user } = await requireSession("/account/security");
  await dismissEnrolmentOffer(user.id, await requestContext());
  const target = safeNextPath(String(form.get("next") ?? ""));
  if (form.get("js") === "1") return { ok: true, redirectTo: target };
  redirect(target);
}

export async function confirmTotpAction(_prev: CodesState, form: FormData): Promise<CodesState> {
  return confirmEnrolment(form, "Enter the six digits your app shows.", confirmTotpEnrolment, ["otp", "mfa"]);
}

/**
 * The first code of a new factor. It proves the factor inside this session, so the session gains
 * its methods (`amr`): it is a two-factor session now.
 */
async function confirmEnrolment(
  form: FormData,
  hint: string,
  confirm: (user: MfaUser, factorId: string, code: string, ctx: RequestContext) => Promise<{ recoveryCodes: string[] | null }>,
  amr: string[],
): Promise<CodesState> {
  const code = String(form.get("code") ?? "").replace(/\s/g, "").slice(0, 12);
  if (!/^\d{6}$/.test(code)) return { fieldErrors: { code: hint } };
  try {
    const session = await recentSession();
    const ctx = await requestContext();
    const { recoveryCodes } = await confirm({ id: session.user.id, email: session.user.email, displayName: session.user.displayName }, String(form.get("factor") ?? ""), code, ctx);
    await addAuthenticationMethods(session.id, amr, ctx);
    return { ok: true, recoveryCodes: recoveryCodes ?? undefined };
  } catch (e) {
    return formErrorFrom(e);
  }
}

/** Texts a code to the number typed; then the code is confirmed on /account/security/sms. */
export async function beginSmsAction(_prev: FormState, form: FormData): Promise<FormState> {
  const phone = String(form.get("phone") ?? "");
  const next = form.get("next");
  let factorId: string;
  try {
    ({ factorId } = await beginSmsEnrolment(await signedInUser(), phone, await requestContext()));
  } catch (e) {
    return formErrorFrom(e, { phone });
  }
  const q = new URLSearchParams({ factor: factorId, ...(typeof next === "string" && next ? { next: safeNextPath(next) } : {}) });
  redirect(`/account/security/sms?${q}`);
}

export async function resendSmsCodeAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const { sentTo } = await resendSmsEnrolmentCode(await signedInUser(), String(form.get("factor") ?? ""), await requestContext());
    return { ok: true, message: `We sent a new code to ${sentTo}.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export async function confirmSmsAction(_prev: CodesState, form: FormData): Promise<CodesState> {
  return confirmEnrolment(form, "Enter the six digits from the text message.", confirmSmsEnrolment, ["sms", "mfa"]);
}

export async function removeFactorAction(form: FormData): Promise<void> {
  await removeSecondFactor(await signedInUser(), String(form.get("factor") ?? ""), await requestContext()).catch((e: unknown) => {
    if ((e as { code?: string }).code !== "not_found") throw e; // already gone: the page shows the truth
  });
  redirect("/account/security");
}

export async function regenerateCodesAction(): Promise<CodesState> {
  try {
    return { ok: true, recoveryCodes: await regenerateRecoveryCodes(await signedInUser(), await requestContext()) };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export async function forgetDevicesAction(): Promise<void> {
  await forgetTrustedDevices(await signedInUser(), await requestContext());
  redirect("/account/security");
}

/** A registration challenge for a new passkey of this account. */
export async function passkeyRegistrationOptionsAction(): Promise<PasskeyCreationOptionsState> {
  try {
    return { options: await passkeyRegistrationOptions(await signedInUser()) };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export async function registerPasskeyAction(response: unknown, name: unknown): Promise<CodesState> {
  try {
    const session = await recentSession();
    const ctx = await requestContext();
    const { user } = session;
    const { recoveryCodes } = await registerPasskey({ id: user.id, email: user.email, displayName: user.displayName }, response, typeof name === "string" ? name : "", ctx);
    // The ceremony just verified the user on the new passkey: this session has two factors now.
    await addAuthenticationMethods(session.id, [...PASSKEY_AMR, "mfa"], ctx);
    return { ok: true, recoveryCodes: recoveryCodes ?? undefined };
  } catch (e) {
    return formErrorFrom(e);
  }
}
