// Storage for device authorization requests (RFC 8628). Only the SHA-256 of the device code is kept.
import "server-only";
import { getDb, Prisma, type Tx } from "@/lib/db";
import type { DeviceAuthorization } from "@/lib/db/generated/client";

export type { DeviceAuthorization };

async function client(tx?: Tx) {
  return tx ?? (await getDb());
}

/** Inserts the request, or returns null when the user code is already taken (the caller draws another). */
export async function insertDeviceAuthorization(data: {
  deviceCodeHash: string;
  userCode: string;
  clientId: string;
  scope: string;
  acrValues?: string | null;
  intervalSeconds: number;
  expiresAt: Date;
}): Promise<DeviceAuthorization | null> {
  try {
    return await (await client()).deviceAuthorization.create({ data });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return null;
    throw e;
  }
}

export async function findDeviceByCodeHash(deviceCodeHash: string): Promise<DeviceAuthorization | null> {
  return (await client()).deviceAuthorization.findUnique({ where: { deviceCodeHash } });
}

export async function findDeviceByUserCode(userCode: string): Promise<DeviceAuthorization | null> {
  return (await client()).deviceAuthorization.findUnique({ where: { userCode } });
}

export async function findDeviceById(id: string): Promise<DeviceAuthorization | null> {
  return (await client()).deviceAuthorization.findUnique({ where: { id } });
}

export async function recordDevicePoll(id: string, polledAt: Date, intervalSeconds: number): Promise<void> {
  await (await client()).deviceAuthorization.updateMany({ where: { id }, data: { lastPolledAt: polledAt, intervalSeconds } });
}

/** pending -> approved | denied, only while pending and unexpired: one decision per request. */
export async function decideDeviceAuthorization(
  id: string,
  decision: { status: "approved" | "denied"; userId: string; sessionId: string | null },
  now: Date,
): Promise<boolean> {
  const { count } = await (await client()).deviceAuthorization.updateMany({
    where: { id, status: "pending", expiresAt: { gt: now } },
    data: decision,
  });
  return count === 1;
}

/** approved -> consumed. Conditional, so exactly one token request wins, even concurrent ones. */
export async function consumeDeviceAuthorization(id: string, tx?: Tx): Promise<boolean> {
  const { count } = await (await client(tx)).deviceAuthorization.updateMany({ where: { id, status: "approved" }, data: { status: "consumed" } });
  return count === 1;
}
