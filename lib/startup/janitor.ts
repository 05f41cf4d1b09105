// Deletes protocol state (lib/oidc), pending sign-ins (lib/sign-in), trusted devices and WebAuthn
// challenges (lib/factors) that have expired, text-message records past their retention (lib/sms), old outbox rows
// and the mail bodies left after delivery (lib/outbox, each queue's retention), closes risk
// assessments of abandoned sign-ins (lib/risk), sweeps lapsed rate-limit counters (lib/ratelimit),
// erases the accounts whose deletion grace period is over (lib/sign-in/account-deletion.ts), deletes
// sessions ended (revoked, or past their absolute end) more than 7 days ago (lib/sessions), deletes
// copies of customers' data past their download window (lib/privacy), deletes audit events past
// the retention an administrator set (lib/audit-admin; kept forever until one is set), queues the
// next batch of each outbound provisioning target's reconciliation (lib/provisioning), and rolls the
// audit events since the last pass into the analytics counters (lib/analytics: exactly once, whatever
// the number of nodes, since runs queue on its watermark). The poller runs it every 10 minutes on each node
// that polls; the cron route runs it on serverless platforms. The deletes are idempotent, so
// several nodes at once only repeat work.
import "server-only";
import { deleteExpiredTrustedDevices, deleteExpiredWebAuthnChallenges } from "@/lib/factors";
import { deleteExpiredPendingSignIns, eraseAccountsDue } from "@/lib/sign-in";
import { purgeExpiredProtocolState } from "@/lib/oidc";
import { purgeOldSmsMessages } from "@/lib/sms";
import { sweepOutbox } from "@/lib/outbox";
import { closeAbandonedSignIns } from "@/lib/risk";
import { sweepExpiredCounters } from "@/lib/ratelimit";
import { deleteExpiredDataExports } from "@/lib/privacy";
import { purgeEndedSessions } from "@/lib/sessions";
import { purgeExpiredAuditEvents } from "@/lib/audit-admin";
import { processSingleton } from "@/lib/process";
import { runAnalyticsRollup } from "@/lib/analytics";
import { deleteExpiredFederationRequests, deleteExpiredSamlAssertions } from "@/lib/federation";
import { reconcileProvisioningTargets } from "@/lib/provisioning";

const INTERVAL_MS = 10 * 60_000;
const janitor = processSingleton("janitor", () => ({ timer: undefined as NodeJS.Timeout | undefined }));

export function startJanitor(): void {
  if (janitor.timer) return;
  janitor.timer = setInterval(() => void sweepLogged(), INTERVAL_MS).unref();
}

/** One pass; what it removed, by kind. Throws when the database fails. */
export async function sweepExpiredState(now = new Date()): Promise<Record<string, number>> {
  return {
    ...(await purgeExpiredProtocolState(now)),
    pendingSignIns: await deleteExpiredPendingSignIns(now),
    endedSessions: await purgeEndedSessions(now),
    trustedDevices: await deleteExpiredTrustedDevices(now),
    webAuthnChallenges: await deleteExpiredWebAuthnChallenges(now),
    smsMessages: await purgeOldSmsMessages(now),
    ...(await sweepOutbox(now)),
    abandonedRiskAssessments: await closeAbandonedSignIns(now),
    rateLimitCounters: await sweepExpiredCounters(now),
    erasedAccounts: await eraseAccountsDue(now),
    dataExports: await deleteExpiredDataExports(now),
    // Upstream requests and pending federated steps, a day after they expired.
    federationRequests: await deleteExpiredFederationRequests(new Date(now.getTime() - 86_400_000)),
    // A SAML assertion past its NotOnOrAfter can no longer be replayed: its record goes.
    samlAssertions: await deleteExpiredSamlAssertions(now),
    // Rolled up before any purge could take events it has not counted yet.
    analyticsEvents: (await runAnalyticsRollup({ now })).events,
    auditEvents: await purgeExpiredAuditEvents(now),
    // Outbound provisioning: one bounded batch of reconcile jobs per target that is due.
    provisioningReconcileJobs: await reconcileProvisioningTargets(now),
  };
}

async function sweepLogged(): Promise<void> {
  try {
    const deleted = await sweepExpiredState();
    const total = Object.values(deleted).reduce((a, b) => a + b, 0);
    if (total > 0) console.log(`[portico] janitor removed expired state: ${JSON.stringify(deleted)}`);
  } catch (e) {
    console.error("[portico] janitor failed (will retry)", e);
  }
}
