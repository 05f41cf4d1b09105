"use server";
import { redirect } from "next/navigation";
import { loginSchema } from "@/lib/users/users.schema";
import { authenticateWithPassword } from "@/lib/users";
import { beginPendingSignIn, hasSecondFactor, PENDING_LIFETIME_MINUTES } from "@/lib/mfa";
import {
  fieldErrorsOf,
  formErrorFrom,
  formValues,
  requestContext,
  safeNextPath,
  setPendingSignInCookie,
  startPortalSession,
  type FormState,
} from "@/lib/http";

export async function loginAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["email", "next"]);
  const parsed = loginSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  const ctx = await requestContext();
  let target = safeNextPath(values.next);
  try {
    const user = await authenticateWithPassword(parsed.data, ctx);
    if (await hasSecondFactor(user.id)) {
      // The password alone opens nothing: a pending sign-in waits for the second factor.
      const token = await beginPendingSignIn(user.id, target, ["pwd"]);
      await setPendingSignInCookie(token, PENDING_LIFETIME_MINUTES * 60);
      target = "/login/verify";
    } else {
      await startPortalSession(user.id, ctx, ["pwd"]);
    }
  } catch (e) {
    return formErrorFrom(e, values);
  }
  // A scripted form navigates by itself: answering with a redirect would make Next render the target
  // page inside this response, which doubled the sign-in's cost (bench/RESULTS.md). Without
  // JavaScript the browser gets a plain 303.
  if (form.get("js") === "1") return { ok: true, redirectTo: target };
  redirect(target);
}
