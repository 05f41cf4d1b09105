// Server-action plumbing: form state, echoed values, zod issues as field errors, and the one mapping
// of a thrown error to form state (used by the action wrappers in actions.ts). A DomainError written
// for the person is shown, tied to its field; anything else is logged with a correlation id and
// shown generically.
import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import { DomainError } from "@/lib/errors";

export type FormState = {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  /** Echo of non-secret inputs so the form keeps what the user typed. */
  values?: Record<string, string>;
  /** Where the browser should go next (scripted forms navigate themselves; see loginAction). */
  redirectTo?: string;
};

export function formValues(form: FormData, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = form.get(k);
    if (typeof v === "string") out[k] = v.slice(0, 1000);
  }
  return out;
}

/** A ticked consent purpose's field: `consent.<key>` carrying the version of the text shown (components/auth/purpose-consent-checkbox.tsx). */
export const CONSENT_FIELD_PREFIX = "consent.";

/**
 * The purposes ticked on a hosted form (the registration form, the sign-in's profile questions), by
 * key, with the version of the text each showed; bounded (20 purposes, keys of 64 characters), and
 * only well-formed versions. Which purposes may be ticked there is the domain's to check.
 */
export function tickedPurposes(form: FormData): Record<string, number> {
  const entries = [...form.entries()].filter(([k, v]) => k.startsWith(CONSENT_FIELD_PREFIX) && typeof v === "string" && /^\d{1,7}$/.test(v)).slice(0, 20);
  return Object.fromEntries(entries.map(([k, v]) => [k.slice(CONSENT_FIELD_PREFIX.length, CONSENT_FIELD_PREFIX.length + 64), Number(v)]));
}

/**
 * The echo of ticked purposes (`consent.<key>` = the version ticked), so a refused form keeps its
 * boxes as the person left them; a form ticks a box again only for that same version of the text.
 */
export function tickedPurposesEcho(form: FormData): Record<string, string> {
  return Object.fromEntries(Object.entries(tickedPurposes(form)).map(([k, v]) => [`${CONSENT_FIELD_PREFIX}${k}`, String(v)]));
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** Maps an error thrown by a domain call to form state; rethrows Next's redirect/notFound signals. */
export function formErrorFrom(e: unknown, values?: Record<string, string>): FormState {
  if (e instanceof DomainError && e.shownToUser) {
    if (e.fieldErrors) return { fieldErrors: e.fieldErrors, values };
    return e.field ? { fieldErrors: { [e.field]: e.message }, values } : { message: e.message, values };
  }
  if (isNextSignal(e)) throw e;
  const id = crypto.randomUUID();
  console.error(`[portico] unexpected error ${id}`, e);
  return { message: `Something went wrong on our side. Please try again. (Reference ${id.slice(0, 8)})`, values };
}

function isNextSignal(e: unknown): boolean {
  const digest = (e as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK") || digest === "NEXT_NOT_FOUND");
}
