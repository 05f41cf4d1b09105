// Trusted browsers: "trust this device for 30 days" after a second step. A trusted browser's token
// is a remembered second factor, so it lives with the factors: removing the last factor or an
// administrator's reset revokes them in the same transaction.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { isRandomToken } from "@/lib/formats";
import type { MfaUser } from "./activation";
import { insertTrustedDevice, listLiveTrustedDevices, revokeTrustedDevices, useTrustedDevice as markTrustedDeviceUsed, type Tx } from "./factors.repo";

export const TRUSTED_DEVICE_DAYS = 30;

/** After a successful second step: a token for this browser to keep (its cookie), valid 30 days. */
export async function trustDevice(userId: string, ctx: RequestContext, now = new Date()): Promise<{ token: string; maxAgeSeconds: number }> {
  const token = randomToken(32);
  const maxAgeSeconds = TRUSTED_DEVICE_DAYS * 24 * 3600;
  const device = await insertTrustedDevice({ userId, tokenHash: sha256Hex(token), userAgent: ctx.userAgent?.slice(0, 512) ?? null, expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000) });
  await recordAudit({ actor: { type: "user", id: userId }, action: "mfa.device_trusted", target: { type: "trusted_device", id: device.id }, result: "success", context: ctx });
  return { token, maxAgeSeconds };
}

/** The browser holds a live trusted-device token of this user: it stands in for the second step. */
export async function isTrustedDevice(userId: string, token: string | null | undefined, now = new Date()): Promise<boolean> {
  if (!token || !isRandomToken(token)) return false;
  return markTrustedDeviceUsed(userId, sha256Hex(token), now);
}

export async function trustedDeviceCount(userId: string, now = new Date()): Promise<number> {
  return (await listLiveTrustedDevices(userId, now)).length;
}

/** Inside another change's transaction (signing out everywhere): every trusted browser asks again. */
export function revokeTrustedDevicesOf(userId: string, tx: Tx, now = new Date()): Promise<number> {
  return revokeTrustedDevices(userId, now, tx);
}

/** Every trusted browser asks for the second step again. */
export async function forgetTrustedDevices(user: MfaUser, ctx: RequestContext, now = new Date()): Promise<number> {
  const count = await revokeTrustedDevices(user.id, now);
  await recordAudit({ actor: { type: "user", id: user.id }, action: "mfa.trusted_devices_forgotten", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { count } });
  return count;
}
