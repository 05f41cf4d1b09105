// Sign in with Apple's two quirks. Its client secret is not a fixed string but a JWT the client
// signs with its private key (ES256), naming its team as issuer and its Services ID as subject,
// for Apple as audience, valid at most six months (five minutes here). And the customer's name is
// never in the ID token: Apple posts it once, on the first authorization, as the `user` form
// field (JSON, unsigned: good for a name, never for an address).
import "server-only";
import { importPKCS8, SignJWT } from "jose";
import { FederationError } from "../federation.errors";

export async function appleClientSecret(privateKeyPem: string | null, apple: { teamId: string; keyId: string }, clientId: string, audience: string, upstreamName: string): Promise<string> {
  let key: CryptoKey;
  try {
    key = await importPKCS8(pkcs8Pem(privateKeyPem ?? ""), "ES256");
  } catch {
    throw new FederationError("invalid_response", `${upstreamName} is not set up right: its private key could not be used. An administrator must paste the .p8 key again.`);
  }
  return new SignJWT({}).setProtectedHeader({ alg: "ES256", kid: apple.keyId }).setIssuer(apple.teamId).setSubject(clientId).setAudience(audience).setIssuedAt().setExpirationTime("5m").sign(key);
}

/** The name in Apple's `user` field (`{"name":{"firstName":…,"lastName":…}}`), as profile fields. */
export function appleUserName(user: string | null): { given_name?: string; family_name?: string; name?: string } {
  if (!user || user.length > 4096) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(user);
  } catch {
    return {};
  }
  const name = typeof parsed === "object" && parsed !== null ? (parsed as { name?: unknown }).name : undefined;
  if (typeof name !== "object" || name === null) return {};
  const part = (v: unknown) => (typeof v === "string" && v.trim() && v.trim().length <= 100 ? v.trim() : undefined);
  const given = part((name as { firstName?: unknown }).firstName);
  const family = part((name as { lastName?: unknown }).lastName);
  const full = [given, family].filter(Boolean).join(" ");
  return { ...(given ? { given_name: given } : {}), ...(family ? { family_name: family } : {}), ...(full ? { name: full } : {}) };
}

/**
 * The .p8 file as PEM again, whatever a form did to its lines (a password field drops line breaks):
 * its base64 body, wrapped at 64 characters between the PKCS #8 markers.
 */
export function pkcs8Pem(pasted: string): string {
  const body = pasted.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
  return `-----BEGIN PRIVATE KEY-----\n${body.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----`;
}
