"use server";
import { redirect } from "next/navigation";
import { endUserSession } from "@/lib/oidc";
import { clearSessionCookie, requestContext, sessionTokenFromCookie } from "@/lib/http";

/** POST only (a server action, origin-checked by Next): a cross-site GET cannot sign anyone out. */
export async function logoutAction(): Promise<void> {
  const token = await sessionTokenFromCookie();
  // Ends the session and tells the applications signed in through it (back-channel logout).
  if (token) await endUserSession(token, await requestContext());
  await clearSessionCookie();
  redirect("/login?signedOut=1");
}
