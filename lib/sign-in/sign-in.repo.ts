// The pending sign-in between the password and the second step (PendingSignIn): only its token's
// SHA-256 is stored, so a database leak yields no half-signed-in browsers.
import "server-only";
import { getDb, withTransaction, type Tx } from "@/lib/db";

export { withTransaction, type Tx };

async function client() {
  return getDb();
}

// Pending sign-ins --------------------------------------------------------------------------------

export async function insertPendingSignIn(data: {
  tokenHash: string;
  userId: string;
  amr: string[];
  next: string;
  expiresAt: Date;
  riskAssessmentId: string | null;
  methods: string[];
  emailCodeWithStrongFactor: boolean;
  awaitingAcceptance?: boolean;
  linkedIdentityId?: string | null;
}) {
  await (await client()).pendingSignIn.create({ data });
}

export async function findPendingSignIn(tokenHash: string) {
  return (await client()).pendingSignIn.findUnique({ where: { tokenHash } });
}

export async function storeSentCode(tokenHash: string, data: { codeChannel: "email" | "sms"; codeHash: string; codeExpiresAt: Date; codeSentAt: Date }): Promise<boolean> {
  const { count } = await (await client()).pendingSignIn.updateMany({ where: { tokenHash }, data });
  return count === 1;
}

/** Counts one failed attempt and returns the new count (null when the pending sign-in is gone). */
export async function addPendingAttempt(tokenHash: string): Promise<number | null> {
  const rows = await (await client()).pendingSignIn.updateManyAndReturn({ where: { tokenHash }, data: { attempts: { increment: 1 } }, select: { attempts: true } });
  return rows[0]?.attempts ?? null;
}

/** Deletes it; true for exactly one caller (a pending sign-in completes once). */
export async function deletePendingSignIn(tokenHash: string): Promise<boolean> {
  const { count } = await (await client()).pendingSignIn.deleteMany({ where: { tokenHash } });
  return count === 1;
}

export async function deleteExpiredPendingSignIns(now: Date): Promise<number> {
  return (await (await client()).pendingSignIn.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
