"use server";
import { redirect } from "next/navigation";
import { endSession } from "@/lib/sessions";
import { clearSessionCookie, requestContext, sessionTokenFromCookie } from "@/lib/http";

/** POST only (a server action, origin-checked by Next): a cross-site GET cannot sign anyone out. */
export async function logoutAction(): Promise<void> {
  const token = await sessionTokenFromCookie();
  if (token) await endSession(token, await requestContext());
  await clearSessionCookie();
  redirect("/login?signedOut=1");
}
