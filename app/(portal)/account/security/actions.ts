"use server";
import { redirect } from "next/navigation";
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  dismissEnrolmentOffer,
  forgetTrustedDevices,
  PASSKEY_AMR,
  passkeyRegistrationOptions,
  regenerateRecoveryCodes,
  registerPasskey,
  removeSecondFactor,
} from "@/lib/mfa";
import type { PasskeyCreationOptionsState } from "@/components/auth/passkey-types";
import { addAuthenticationMethods } from "@/lib/sessions";
import { formErrorFrom, requestContext, requireSession, safeNextPath, type FormState } from "@/lib/http";

export type CodesState = FormState & { recoveryCodes?: string[] };

/** Changing how the account signs in needs a recent sign-in (sudo mode), not just any live session. */
const RECENT_SIGN_IN_MS = 15 * 60_000;

async function recentSession() {
  const session = await requireSession("/account/security");
  if (Date.now() - session.authTime.getTime() > RECENT_SIGN_IN_MS) redirect(`/login?force=1&next=${encodeURIComponent("/account/security")}`);
  return session;
}

async function signedInUser() {
  const { user } = await recentSession();
  return { id: user.id, email: user.email, displayName: user.displayName };
}

/** `next`: where to continue once it is set up (an application that asked for it, see lib/oidc/mfa-policy.ts). */
export async function beginTotpAction(form: FormData): Promise<void> {
  const enrolment = await beginTotpEnrolment(await signedInUser());
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
  const code = String(form.get("code") ?? "").replace(/\s/g, "").slice(0, 12);
  if (!/^\d{6}$/.test(code)) return { fieldErrors: { code: "Enter the six digits your app shows." } };
  try {
    const session = await recentSession();
    const ctx = await requestContext();
    const { recoveryCodes } = await confirmTotpEnrolment({ id: session.user.id, email: session.user.email, displayName: session.user.displayName }, String(form.get("factor") ?? ""), code, ctx);
    // The code just confirmed proves the factor inside this session: it is a two-factor session now.
    await addAuthenticationMethods(session.id, ["otp", "mfa"], ctx);
    return { ok: true, recoveryCodes: recoveryCodes ?? undefined };
  } catch (e) {
    return formErrorFrom(e);
  }
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
