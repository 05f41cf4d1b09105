// Adding a passkey: the registration ceremony (passkeys.ts) for an account whose address is
// verified, activated like any other factor (activation.ts).
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { activateFactor, describeFactor, requireVerifiedEmail, type MfaUser } from "./activation";
import { MfaError } from "./factors.errors";
import { passkeyNameSchema } from "./factors.schema";
import { insertPasskey, passkeyRegistrationOptions as registrationOptions, verifyPasskeyRegistration } from "./passkeys";

/** A registration challenge for a new passkey: only for an account whose address is verified. */
export async function passkeyRegistrationOptions(user: MfaUser, now = new Date()) {
  await requireVerifiedEmail(user.id);
  return registrationOptions(user, now);
}

/**
 * Adds a passkey from a verified registration ceremony (the browser's response to
 * passkeyRegistrationOptions). Like any first factor, the first one brings recovery codes.
 */
export async function registerPasskey(user: MfaUser, response: unknown, name: string, ctx: RequestContext, now = new Date()): Promise<{ recoveryCodes: string[] | null }> {
  const label = passkeyNameSchema.safeParse(name);
  if (!label.success) throw new MfaError("invalid_code", label.error.issues[0]!.message, "name");
  await requireVerifiedEmail(user.id);
  const passkey = await verifyPasskeyRegistration(user.id, response, label.data, ctx, now);
  return activateFactor(user, "mfa.passkey_registered", "passkey", describeFactor({ type: "passkey", label: passkey.label }), ctx, async (tx) => (await insertPasskey(user.id, passkey, now, tx)).id);
}
