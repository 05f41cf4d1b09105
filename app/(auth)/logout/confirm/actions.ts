"use server";
import { redirect } from "next/navigation";
import { completeRpLogout, openRpLogoutRequest, postLogoutRedirect } from "@/lib/oidc";
import { signOutDestination } from "@/lib/federation";
import { clearSessionCookie, requestContext, sessionTokenFromCookie, type FormState } from "@/lib/http";

/** The confirmed RP-initiated logout: a server action, so Next checks its Origin (no logout CSRF). */
export async function confirmRpLogoutAction(_prev: FormState, form: FormData): Promise<FormState> {
  const sealed = form.get("request");
  const request = typeof sealed === "string" ? await openRpLogoutRequest(sealed) : null;
  if (!request) return { message: "This sign-out request has expired. Return to the application and sign out again, or sign out of Portico from your account." };
  const ended = await completeRpLogout(await sessionTokenFromCookie(), request, await requestContext());
  await clearSessionCookie();
  redirect(await signOutDestination(ended?.linkedIdentityId ?? null, postLogoutRedirect(request) ?? "/logout/done"));
}
