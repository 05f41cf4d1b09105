// The interaction binding: a random value in an HttpOnly cookie, one per browser. Every stored
// authorization interaction keeps its hash, and only the browser holding the value may resume,
// approve or deny it (a link to someone else's interaction is refused). SameSite=Lax: it travels
// with the top-level navigation from the application to /oauth2/authorize, like the session cookie.
import "server-only";
import { cookies } from "next/headers";
import { config } from "@/lib/config";
import { randomToken } from "@/lib/crypto";
import { isRandomToken } from "@/lib/formats";

/** A day: far longer than an interaction lives (30 minutes); renewed with every new interaction. */
const MAX_AGE_SECONDS = 24 * 3600;

function interactionCookieName(): string {
  return config().secureCookies ? "__Host-portico.flow" : "portico.flow";
}

export function newInteractionBinding(): string {
  return randomToken(32);
}

/** The binding in a raw Cookie header (endpoints served outside Next's request scope), or null. */
export function interactionBindingFromCookieHeader(header: string | null): string | null {
  if (!header) return null;
  const prefix = `${interactionCookieName()}=`;
  for (const part of header.split(";")) {
    const pair = part.trim();
    if (pair.startsWith(prefix)) return valid(pair.slice(prefix.length));
  }
  return null;
}

/** The Set-Cookie value that gives (or renews) this browser's binding. */
export function interactionBindingSetCookie(value: string): string {
  return `${interactionCookieName()}=${value}; Path=/; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${config().secureCookies ? "; Secure" : ""}`;
}

/** The browser's binding, given now if it has none (a federated sign-in binds its upstream request to it). */
export async function ensureInteractionBinding(): Promise<string> {
  const current = await interactionBinding();
  if (current) return current;
  const value = newInteractionBinding();
  (await cookies()).set(interactionCookieName(), value, { httpOnly: true, secure: config().secureCookies, sameSite: "lax", path: "/", maxAge: MAX_AGE_SECONDS });
  return value;
}

/** The binding of the current request (pages, actions, route handlers), or null. */
export async function interactionBinding(): Promise<string | null> {
  return valid((await cookies()).get(interactionCookieName())?.value);
}

function valid(value: string | undefined): string | null {
  return isRandomToken(value) ? value : null;
}
