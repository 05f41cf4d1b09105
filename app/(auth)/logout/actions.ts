"use server";
import { redirect } from "next/navigation";
import { endUserSession } from "@/lib/oidc";
import { signOutDestination } from "@/lib/federation";
import { clearSessionCookie, requestContext, sessionTokenFromCookie } from "@/lib/http";

/** POST only (a server action, origin-checked by Next): a cross-site GET cannot sign anyone out. */
export async function logoutAction(): Promise<void> {
  const token = await sessionTokenFromCookie();
  // Ends the session and tells the applications signed in through it (back-channel logout).
  const ended = token ? await endUserSession(token, await requestContext()) : null;
  await clearSessionCookie();
  // Signed in through a provider that signs out too: by way of it, back to the same page.
  redirect(await signOutDestination(ended?.linkedIdentityId ?? null, "/login?signedOut=1"));
}
