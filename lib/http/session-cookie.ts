// The portal session cookie. Its value is a next-auth JWT (encrypted, A256GCM) carrying `sid`, the
// opaque id of a server-side session record, so a session can be revoked (docs/architecture.md,
// "Security"). `__Host-` prefix, HttpOnly, SameSite=Lax, Secure except on http://localhost.
import "server-only";
import { cookies } from "next/headers";
import { encode, decode } from "next-auth/jwt";
import { config, deriveKey } from "@/lib/config";
import { validateSession, type ActiveSession } from "@/lib/sessions";

export function sessionCookieName(): string {
  return config().secureCookies ? "__Host-portico.session" : "portico.session";
}

export function nextAuthSecret(): string {
  return deriveKey("nextauth").toString("hex");
}

/**
 * The attributes of the session and pending sign-in cookies. Clearing one repeats them: a browser
 * ignores a `__Host-` Set-Cookie without Secure, so a bare delete would leave the cookie in place.
 */
function hostCookieAttributes() {
  return { httpOnly: true, secure: config().secureCookies, sameSite: "lax" as const, path: "/" };
}

export async function setSessionCookie(session: { token: string; userId: string; expiresAt: Date }): Promise<void> {
  const maxAge = Math.max(1, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  const value = await encode({ token: { sub: session.userId, sid: session.token }, secret: nextAuthSecret(), maxAge });
  (await cookies()).set(sessionCookieName(), value, { ...hostCookieAttributes(), maxAge });
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(sessionCookieName(), "", { ...hostCookieAttributes(), expires: new Date(0) });
}

/** The Set-Cookie header value that clears the session cookie, as clearSessionCookie has Next write it. */
export function clearedSessionCookie(): string {
  const secure = config().secureCookies ? "; Secure" : "";
  return `${sessionCookieName()}=; Path=/; Expires=${new Date(0).toUTCString()}${secure}; HttpOnly; SameSite=lax`;
}

/** The sid inside the cookie, or null for a missing, tampered or expired cookie. */
export async function sessionTokenFromCookie(): Promise<string | null> {
  return sidFromCookieValue((await cookies()).get(sessionCookieName())?.value);
}

/** The same, from a raw Cookie header (RFC 6265 §5.4), for endpoints served outside Next's request scope. */
export async function sessionTokenFromCookieHeader(header: string | null): Promise<string | null> {
  if (!header) return null;
  const prefix = `${sessionCookieName()}=`;
  for (const part of header.split(";")) {
    const pair = part.trim();
    if (!pair.startsWith(prefix)) continue;
    try {
      return sidFromCookieValue(decodeURIComponent(pair.slice(prefix.length)));
    } catch {
      return null; // malformed percent-encoding
    }
  }
  return null;
}

export async function currentSessionFromCookieHeader(header: string | null): Promise<ActiveSession | null> {
  const token = await sessionTokenFromCookieHeader(header);
  return token ? validateSession(token) : null;
}

async function sidFromCookieValue(raw: string | undefined): Promise<string | null> {
  if (!raw || raw.length > 4096) return null;
  try {
    const jwt = await decode({ token: raw, secret: nextAuthSecret() });
    return typeof jwt?.sid === "string" ? jwt.sid : null;
  } catch {
    return null;
  }
}

export async function currentSession(): Promise<ActiveSession | null> {
  const token = await sessionTokenFromCookie();
  return token ? validateSession(token) : null;
}

// The pending second step of a sign-in (lib/sign-in): its own short-lived cookie, never a session.
function pendingCookieName(): string {
  return config().secureCookies ? "__Host-portico.mfa" : "portico.mfa";
}

export async function setPendingSignInCookie(token: string, maxAgeSeconds: number): Promise<void> {
  (await cookies()).set(pendingCookieName(), token, { ...hostCookieAttributes(), maxAge: maxAgeSeconds });
}

export async function pendingSignInToken(): Promise<string | null> {
  return (await cookies()).get(pendingCookieName())?.value ?? null;
}

export async function clearPendingSignInCookie(): Promise<void> {
  (await cookies()).set(pendingCookieName(), "", { ...hostCookieAttributes(), expires: new Date(0) });
}

// Which second-step method this browser used last (not a secret: it only picks the default form).
const LAST_METHOD_COOKIE = "portico.mfa-method";

export async function rememberSecondFactorMethod(method: string): Promise<void> {
  (await cookies()).set(LAST_METHOD_COOKIE, method, { httpOnly: true, secure: config().secureCookies, sameSite: "lax", path: "/login", maxAge: 365 * 24 * 3600 });
}

export async function rememberedSecondFactorMethod(): Promise<string | null> {
  return (await cookies()).get(LAST_METHOD_COOKIE)?.value ?? null;
}

// "Trust this device" (lib/factors): a long-lived random token standing in for the second step.
function trustedDeviceCookieName(): string {
  return config().secureCookies ? "__Host-portico.device" : "portico.device";
}

export async function setTrustedDeviceCookie(token: string, maxAgeSeconds: number): Promise<void> {
  (await cookies()).set(trustedDeviceCookieName(), token, { httpOnly: true, secure: config().secureCookies, sameSite: "lax", path: "/", maxAge: maxAgeSeconds });
}

export async function trustedDeviceToken(): Promise<string | null> {
  return (await cookies()).get(trustedDeviceCookieName())?.value ?? null;
}

// The risk engine's device id (lib/risk/device.ts): a signed random id, long-lived, nothing else in it.
function deviceIdCookieName(): string {
  return config().secureCookies ? "__Host-portico.did" : "portico.did";
}

export async function deviceIdCookie(): Promise<string | null> {
  return (await cookies()).get(deviceIdCookieName())?.value ?? null;
}

export async function setDeviceIdCookie(value: string): Promise<void> {
  (await cookies()).set(deviceIdCookieName(), value, { httpOnly: true, secure: config().secureCookies, sameSite: "lax", path: "/", maxAge: 400 * 24 * 3600 });
}
