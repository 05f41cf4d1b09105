// Every 10 minutes, deletes protocol state (lib/oidc), pending sign-ins (lib/sign-in), trusted devices and WebAuthn challenges (lib/factors) that have
// expired, text-message records past their retention (lib/sms), mail bodies left after delivery and
// mail rows past MAIL_RETENTION_DAYS (lib/mail), and closes risk assessments of abandoned sign-ins
// (lib/risk). Each node runs it; the deletes are idempotent, so several nodes at once only repeat work.
import "server-only";
import { deleteExpiredTrustedDevices, deleteExpiredWebAuthnChallenges } from "@/lib/factors";
import { deleteExpiredPendingSignIns } from "@/lib/sign-in";
import { purgeExpiredProtocolState } from "@/lib/oidc";
import { purgeOldSmsMessages } from "@/lib/sms";
import { sweepMail } from "@/lib/mail";
import { closeAbandonedSignIns } from "@/lib/risk";
import { sweepExpiredCounters } from "@/lib/ratelimit";
import { processSingleton } from "@/lib/process";

const INTERVAL_MS = 10 * 60_000;
const janitor = processSingleton("janitor", () => ({ timer: undefined as NodeJS.Timeout | undefined }));

export function startJanitor(): void {
  if (janitor.timer) return;
  janitor.timer = setInterval(() => void sweep(), INTERVAL_MS).unref();
}

async function sweep(): Promise<void> {
  try {
    const now = new Date();
    const deleted = {
      ...(await purgeExpiredProtocolState(now)),
      pendingSignIns: await deleteExpiredPendingSignIns(now),
      trustedDevices: await deleteExpiredTrustedDevices(now),
      webAuthnChallenges: await deleteExpiredWebAuthnChallenges(now),
      smsMessages: await purgeOldSmsMessages(now),
      ...(await mailSweep(now)),
      abandonedRiskAssessments: await closeAbandonedSignIns(now),
      rateLimitCounters: await sweepExpiredCounters(now),
    };
    const total = Object.values(deleted).reduce((a, b) => a + b, 0);
    if (total > 0) console.log(`[portico] janitor removed expired state: ${JSON.stringify(deleted)}`);
  } catch (e) {
    console.error("[portico] janitor failed (will retry)", e);
  }
}

async function mailSweep(now: Date): Promise<{ mailBodies: number; mailMessages: number }> {
  const { bodiesRemoved, deleted } = await sweepMail(now);
  return { mailBodies: bodiesRemoved, mailMessages: deleted };
}
