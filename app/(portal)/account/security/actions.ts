"use server";
import { redirect } from "next/navigation";
import { beginTotpEnrolment, confirmTotpEnrolment, regenerateRecoveryCodes, removeSecondFactor } from "@/lib/mfa";
import { formErrorFrom, requestContext, requireSession, type FormState } from "@/lib/http";

export type CodesState = FormState & { recoveryCodes?: string[] };

/** Changing how the account signs in needs a recent sign-in (sudo mode), not just any live session. */
const RECENT_SIGN_IN_MS = 15 * 60_000;

async function signedInUser() {
  const { user, authTime } = await requireSession("/account/security");
  if (Date.now() - authTime.getTime() > RECENT_SIGN_IN_MS) redirect(`/login?force=1&next=${encodeURIComponent("/account/security")}`);
  return { id: user.id, email: user.email, displayName: user.displayName };
}

export async function beginTotpAction(): Promise<void> {
  const enrolment = await beginTotpEnrolment(await signedInUser());
  redirect(`/account/security/totp?factor=${enrolment.factorId}`);
}

export async function confirmTotpAction(_prev: CodesState, form: FormData): Promise<CodesState> {
  const code = String(form.get("code") ?? "").replace(/\s/g, "").slice(0, 12);
  if (!/^\d{6}$/.test(code)) return { fieldErrors: { code: "Enter the six digits your app shows." } };
  try {
    const { recoveryCodes } = await confirmTotpEnrolment(await signedInUser(), String(form.get("factor") ?? ""), code, await requestContext());
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
