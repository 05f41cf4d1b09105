// An authenticator app (TOTP, RFC 6238) as a factor: an inactive factor with a sealed seed until a
// first code from the app confirms it. The seed is encrypted at rest (lib/crypto).
import "server-only";
import QRCode from "qrcode";
import type { RequestContext } from "@/lib/audit";
import { decryptAtRest, encryptAtRest } from "@/lib/crypto";
import { activateFactor, describeFactor, requireVerifiedEmail, type MfaUser } from "./activation";
import { MfaError } from "./factors.errors";
import { factorIdSchema } from "./factors.schema";
import { confirmFactor, deleteUnconfirmedFactors, findFactorOfUser, insertFactor, withTransaction } from "./factors.repo";
import { newTotpSecret, totpUri, verifyTotp } from "./totp";

const SEAL_PURPOSE = "totp-seed";

export function sealTotpSecret(secret: string): string {
  return encryptAtRest(secret, SEAL_PURPOSE);
}

export function openTotpSecret(sealed: string): string {
  return decryptAtRest(sealed, SEAL_PURPOSE);
}

export interface TotpEnrolment {
  factorId: string;
  /** Base32, shown as text for apps without a camera. */
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code. */
  qrSvg: string;
}

/** Starts TOTP enrolment: an inactive factor until a first code confirms it. Earlier unfinished ones go. */
export async function beginTotpEnrolment(user: MfaUser): Promise<TotpEnrolment> {
  await requireVerifiedEmail(user.id);
  const secret = newTotpSecret();
  const factor = await withTransaction(async (tx) => {
    await deleteUnconfirmedFactors(user.id, tx);
    return insertFactor({ userId: user.id, type: "totp", label: "Authenticator app", secretSealed: sealTotpSecret(secret) }, tx);
  });
  const uri = totpUri(secret, user.email, "Portico");
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return { factorId: factor.id, secret, uri, qrSvg };
}

/** The enrolment again (page reload), while it is unconfirmed. */
export async function pendingTotpEnrolment(user: MfaUser, factorId: string): Promise<TotpEnrolment | null> {
  const factor = factorIdSchema.safeParse(factorId).success ? await findFactorOfUser(factorId, user.id) : null;
  if (!factor || factor.confirmedAt || !factor.secretSealed) return null;
  const secret = openTotpSecret(factor.secretSealed);
  const uri = totpUri(secret, user.email, "Portico");
  return { factorId, secret, uri, qrSvg: await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 }) };
}

/**
 * Activates the factor with a first code from the app. The first factor of an account also
 * creates its recovery codes, returned here once and never again.
 */
export async function confirmTotpEnrolment(user: MfaUser, factorId: string, code: string, ctx: RequestContext, now = new Date()): Promise<{ recoveryCodes: string[] | null }> {
  const factor = factorIdSchema.safeParse(factorId).success ? await findFactorOfUser(factorId, user.id) : null;
  if (!factor || factor.confirmedAt || !factor.secretSealed) throw new MfaError("not_found", "This setup has expired. Start again.");
  const step = await verifyTotp(openTotpSecret(factor.secretSealed), code.trim(), { now });
  if (step === null) throw new MfaError("invalid_code", "That code is not right. Check the time on your phone and enter the current code.", "code");
  return activateFactor(user, "mfa.totp_enrolled", "totp", describeFactor(factor), ctx, async (tx) => {
    if (!(await confirmFactor(factor.id, step, now, tx))) throw new MfaError("not_found", "This setup has expired. Start again.");
    return factor.id;
  });
}
