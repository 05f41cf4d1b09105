"use server";
import { redirect } from "next/navigation";
import { loginSchema } from "@/lib/users/users.schema";
import { authenticateWithPassword } from "@/lib/users";
import { createSession } from "@/lib/sessions";
import { endUserSession } from "@/lib/oidc";
import {
  fieldErrorsOf,
  formErrorFrom,
  formValues,
  requestContext,
  safeNextPath,
  sessionTokenFromCookie,
  setSessionCookie,
  type FormState,
} from "@/lib/http";

export async function loginAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["email", "next"]);
  const parsed = loginSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  const ctx = await requestContext();
  try {
    const user = await authenticateWithPassword(parsed.data, ctx);
    // A new session id at every sign-in (no fixation); the previous session, if any, ends, and the
    // applications signed in through it hear so over the back channel (its sid is gone).
    const previous = await sessionTokenFromCookie();
    if (previous) await endUserSession(previous, ctx);
    const session = await createSession(user.id, ctx);
    await setSessionCookie({ token: session.token, userId: user.id, expiresAt: session.expiresAt });
  } catch (e) {
    return formErrorFrom(e, values);
  }
  const target = safeNextPath(values.next);
  // A scripted form navigates by itself: answering with a redirect would make Next render the target
  // page inside this response, which doubled the sign-in's cost (bench/RESULTS.md). Without
  // JavaScript the browser gets a plain 303.
  if (form.get("js") === "1") return { ok: true, redirectTo: target };
  redirect(target);
}
