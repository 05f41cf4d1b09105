// TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, T0 = 0) through otplib. Verification
// accepts one step either side (RFC 6238 §5.2, clock drift) and refuses any step at or before the
// last one accepted, so a code is never accepted twice (§5.2: "the verifier MUST NOT accept the
// second attempt of the OTP after the successful validation has been issued for the first OTP").
import "server-only";
import { generate, generateSecret, generateURI, verify } from "otplib";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** A fresh 160-bit seed (RFC 4226 §4 R6 recommends 160 bits), base32 as authenticator apps expect. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code (Key Uri Format). */
export function totpUri(secret: string, account: string, issuer: string): string {
  return generateURI({ issuer, label: account, secret, digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

export function currentTotp(secret: string | Uint8Array, epochSeconds: number, digits: 6 | 8 = TOTP_DIGITS): Promise<string> {
  return generate({ secret, epoch: epochSeconds, digits, period: TOTP_PERIOD_SECONDS });
}

/** The time step the code belongs to, or null. `afterStep`: the last step accepted for this seed. */
export async function verifyTotp(secret: string, code: string, opts: { afterStep?: number | null; now?: Date } = {}): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const epoch = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  // Every step this code could match (one either side of now) is at or before the last one used:
  // the next step's code was spent early, or the clock went back. Nothing can match (RFC 6238 §5.2),
  // and otplib would throw rather than say so.
  if (opts.afterStep != null && opts.afterStep >= Math.floor(epoch / TOTP_PERIOD_SECONDS) + 1) return null;
  const result = await verify({
    secret,
    token: code,
    epoch,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(opts.afterStep != null ? { afterTimeStep: opts.afterStep } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}
