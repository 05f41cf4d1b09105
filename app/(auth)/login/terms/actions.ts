"use server";
// The terms interrupt's two buttons. Plain form posts (no JavaScript needed): each redirects.
import { redirect } from "next/navigation";
import { isUuid } from "@/lib/formats";
import { LegalError } from "@/lib/legal";
import { acceptTermsAndSignIn, declineTermsAndSignOut, requestContext, safeNextPath } from "@/lib/http";

export async function acceptTermsAction(form: FormData): Promise<void> {
  // An action can be called with anything: what is not this page's form goes back to the page.
  if (!(form instanceof FormData)) redirect("/login/terms");
  const ids = form.getAll("document").filter((v): v is string => typeof v === "string" && isUuid(v)).slice(0, 4);
  if (form.get("accept") !== "on") redirect("/login/terms?unticked=1");
  let next: string;
  try {
    next = await acceptTermsAndSignIn(ids, await requestContext());
  } catch (e) {
    if (e instanceof LegalError && e.code === "not_current") redirect("/login/terms?changed=1");
    if (e instanceof LegalError && e.code === "not_found") redirect("/login?expired=1");
    throw e;
  }
  redirect(safeNextPath(next));
}

export async function declineTermsAction(): Promise<void> {
  await declineTermsAndSignOut(await requestContext());
  redirect("/login?declined=1");
}
