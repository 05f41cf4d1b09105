// Passkeys: the WebAuthn Level 3 ceremonies (§7.1 registration, §7.2 authentication) through
// @simplewebauthn/server. Challenges are stored server-side, single use, 5 minutes; user
// verification is required both ways (a passkey alone is then two factors: the device and the
// user's PIN or biometric); origin and RP ID are the public URL's. The signature counter is
// checked here rather than in the library, after the signature: only a correctly signed assertion
// with a counter that went backwards means a cloned authenticator (§6.1.1), and that flags the
// passkey and writes an audit event instead of being one more failed attempt.
import "server-only";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { config } from "@/lib/config";
import { consumeLimit } from "@/lib/ratelimit";
import { MfaError } from "./factors.errors";
import { authenticationResponseSchema, registrationResponseSchema } from "./factors.schema";
import {
  consumeWebAuthnChallenge,
  findPasskeyByCredentialId,
  flagPasskey,
  insertPasskeyFactor,
  insertWebAuthnChallenge,
  listPasskeyCredentials,
  recordPasskeyUse,
  type Tx,
} from "./factors.repo";

export const CHALLENGE_MINUTES = 5;
/** ES256 first (every platform authenticator has it), then EdDSA and RS256 (security keys, Windows Hello). */
const ALGORITHMS = [-7, -8, -257];
/**
 * Unauthenticated: anyone may ask for a sign-in challenge (a stored row), so each address only so
 * often. Every view of the login page asks once (autofill), hence room for a busy shared address.
 */
const OPTIONS_PER_IP = { keyPrefix: "webauthn-options", points: 120, durationSeconds: 60 };

export type ChallengePurpose = "register" | "sign-in" | "second-step";

/** RFC 8176 methods a verified passkey proves: a hardware-held key, and the user verified on it. */
export const PASSKEY_AMR = ["hwk", "user"];

export function relyingParty(): { id: string; origin: string; name: string } {
  const url = new URL(config().publicUrl);
  return { id: url.hostname, origin: url.origin, name: "Portico" };
}

const REFUSED = "That passkey did not work. Try again, or sign in another way.";

async function storeChallenge(challenge: string, purpose: ChallengePurpose, userId: string | null, now: Date): Promise<void> {
  await insertWebAuthnChallenge({ challenge, purpose, userId, expiresAt: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000) });
}

/** The user handle is the account id (no personal data, §14.6.1), as UTF-8 bytes. */
function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userId);
}

// --- Registration ---------------------------------------------------------------------------------

export async function passkeyRegistrationOptions(
  user: { id: string; email: string; displayName?: string | null },
  now = new Date(),
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty();
  const existing = await listPasskeyCredentials(user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userID: userHandleOf(user.id),
    userDisplayName: user.displayName || user.email,
    timeout: CHALLENGE_MINUTES * 60_000,
    attestationType: "none",
    // The authenticator refuses to make a second credential for this account (§5.4.3).
    excludeCredentials: existing.map((c) => ({ id: c.credentialId!, transports: c.transports })),
    // Discoverable (signs in without typing an email) and user-verifying (counts as two factors).
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  await storeChallenge(options.challenge, "register", user.id, now);
  return options;
}

export interface VerifiedPasskey {
  label: string;
  credentialId: string;
  publicKey: Uint8Array;
  signCount: number;
  transports: string[];
  aaguid: string;
  backedUp: boolean;
}

/** Verifies a registration response against this user's stored challenge (spent either way). */
export async function verifyPasskeyRegistration(userId: string, input: unknown, label: string, ctx: RequestContext, now = new Date()): Promise<VerifiedPasskey> {
  const parsed = registrationResponseSchema.safeParse(input);
  if (!parsed.success) throw new MfaError("passkey_refused", REFUSED);
  const rp = relyingParty();
  try {
    const result = await verifyRegistrationResponse({
      response: parsed.data as RegistrationResponseJSON,
      expectedChallenge: (challenge) => consumeWebAuthnChallenge(challenge, "register", userId, now),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) throw new Error("registration not verified");
    const { credential, aaguid, credentialBackedUp } = result.registrationInfo;
    if (await findPasskeyByCredentialId(credential.id)) throw new MfaError("passkey_refused", "This passkey is already registered.");
    return {
      label,
      credentialId: credential.id,
      publicKey: credential.publicKey,
      signCount: credential.counter,
      transports: (parsed.data.response.transports ?? []).slice(0, 10),
      aaguid,
      backedUp: credentialBackedUp,
    };
  } catch (e) {
    await recordAudit({ actor: { type: "user", id: userId }, action: "mfa.passkey_registration_failed", target: { type: "user", id: userId }, result: "failure", context: ctx, details: { reason: reasonOf(e) } });
    throw e instanceof MfaError ? e : new MfaError("passkey_refused", "Your passkey could not be added. Try again.");
  }
}

export function insertPasskey(userId: string, passkey: VerifiedPasskey, now: Date, tx: Tx) {
  return insertPasskeyFactor({ userId, ...passkey, now }, tx);
}

// --- Authentication -------------------------------------------------------------------------------

/**
 * Options for navigator.credentials.get(). Passwordless sign-in lists no credentials (the browser
 * offers the discoverable ones, also as autofill); the second step lists the user's own.
 */
export async function passkeyAuthenticationOptions(
  purpose: Exclude<ChallengePurpose, "register">,
  userId: string | null,
  ctx: RequestContext,
  now = new Date(),
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  if (purpose === "sign-in" && (await consumeLimit(OPTIONS_PER_IP, ctx.ip ?? "unknown")) > 0) {
    throw new MfaError("too_many_attempts", "Too many passkey attempts from your network. Wait a minute and try again.");
  }
  const allowCredentials = userId ? (await listPasskeyCredentials(userId)).map((c) => ({ id: c.credentialId!, transports: c.transports })) : [];
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    allowCredentials,
    userVerification: "required",
    timeout: CHALLENGE_MINUTES * 60_000,
  });
  await storeChallenge(options.challenge, purpose, userId, now);
  return options;
}

/**
 * Verifies an assertion (§7.2) and returns the passkey's owner. For the second step `userId` is the
 * pending sign-in's user: the passkey must be theirs and the challenge issued to them.
 */
export async function verifyPasskeyAssertion(
  input: unknown,
  expected: { purpose: Exclude<ChallengePurpose, "register">; userId: string | null },
  ctx: RequestContext,
  now = new Date(),
): Promise<{ userId: string; factorId: string }> {
  const parsed = authenticationResponseSchema.safeParse(input);
  if (!parsed.success) throw new MfaError("passkey_refused", REFUSED);
  const response = parsed.data as AuthenticationResponseJSON;
  const factor = await findPasskeyByCredentialId(response.id);
  const fail = async (reason: string, message = REFUSED): Promise<never> => {
    await recordAudit({
      actor: { type: "anonymous" },
      action: "login.passkey_failed",
      target: factor ? { type: "user", id: factor.userId } : { type: "credential", id: response.id.slice(0, 64) },
      result: "failure",
      context: ctx,
      details: { reason, purpose: expected.purpose, ...(factor ? { factorId: factor.id } : {}) },
    });
    throw new MfaError("passkey_refused", message);
  };
  if (!factor || !factor.publicKey) return fail("unknown_credential", "This passkey is not registered with Portico. Sign in another way.");
  if (expected.userId && factor.userId !== expected.userId) return fail("other_users_credential");
  if (factor.flaggedAt) return fail("flagged_credential", "This passkey is blocked because it may have been copied. Sign in another way and remove it.");
  // §7.2 step 6: a discoverable credential names its user; it must be the credential's owner.
  const handle = response.response.userHandle;
  if (handle ? Buffer.from(handle, "base64url").toString("utf8") !== factor.userId : expected.purpose === "sign-in") return fail("user_handle_mismatch");

  let info;
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (challenge) => consumeWebAuthnChallenge(challenge, expected.purpose, expected.userId, now),
      expectedOrigin: relyingParty().origin,
      expectedRPID: relyingParty().id,
      // Counter 0 turns the library's own counter check off: ours below runs after the signature.
      credential: { id: factor.credentialId!, publicKey: new Uint8Array(factor.publicKey), counter: 0, transports: factor.transports },
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error("assertion not verified");
    info = result.authenticationInfo;
  } catch (e) {
    return fail(reasonOf(e));
  }

  const stored = factor.signCount ?? 0n;
  if ((stored > 0n || info.newCounter > 0) && BigInt(info.newCounter) <= stored) {
    // §6.1.1: a correct signature with a counter that did not move forward: two copies of one key.
    await flagPasskey(factor.id, now);
    await recordAudit({
      actor: { type: "system" },
      action: "mfa.passkey_counter_regression",
      target: { type: "user", id: factor.userId },
      result: "failure",
      context: ctx,
      details: { factorId: factor.id, storedCounter: Number(stored), receivedCounter: info.newCounter },
    });
    return fail("counter_regression", "This passkey is blocked because it may have been copied. Sign in another way and remove it.");
  }
  if (!(await recordPasskeyUse(factor.id, stored, info.newCounter, info.credentialBackedUp, now))) return fail("concurrent_use");
  return { userId: factor.userId, factorId: factor.id };
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message.slice(0, 200) : "unknown";
}
