// The risk-alert webhook of the configuration (RISK_ALERT_WEBHOOK_URL / RISK_ALERT_WEBHOOK_SECRET)
// as a subscription to `risk.alert` events, kept in sync at start-up: created when the variables
// appear, updated when they change, disabled when they go. Its secret is
// `whsec_` + base64(UTF-8 bytes of RISK_ALERT_WEBHOOK_SECRET), so the HMAC key is the variable's
// text exactly as before, and receivers keep verifying with the secret they have. The console
// shows it read-only (it may be disabled and enabled there, nothing else).
import "server-only";
import { recordAudit } from "@/lib/audit";
import { config } from "@/lib/config";
import { decryptAtRest } from "@/lib/crypto";
import { secretFromTextKey } from "./signing";
import { ROTATION_OVERLAP_MS, SECRET_PURPOSE, sealSecret } from "./subscriptions";
import { failPendingDeliveries, findSubscriptionBySource, insertSubscription, lockConfigSync, updateSubscriptionRow, withTransaction } from "./webhooks.repo";

export const CONFIG_SOURCE = "config";
const EVENT_TYPES = ["risk.alert"];
const DESCRIPTION = "High-risk sign-in alerts (RISK_ALERT_WEBHOOK_URL)";
const REMOVED_REASON = "RISK_ALERT_WEBHOOK_URL is no longer configured.";

export type ConfigSyncOutcome = "created" | "updated" | "unchanged" | "disabled" | "none";

export async function syncConfiguredWebhook(now = new Date()): Promise<ConfigSyncOutcome> {
  const c = config();
  const url = c.RISK_ALERT_WEBHOOK_URL;
  const key = c.RISK_ALERT_WEBHOOK_SECRET;
  const actor = { type: "system" as const };
  return withTransaction(async (tx) => {
    await lockConfigSync(tx);
    const existing = await findSubscriptionBySource(CONFIG_SOURCE, tx);
    if (!url || !key) {
      if (!existing?.enabled) return "none";
      await failPendingDeliveries(existing.id, "subscription disabled", tx);
      await updateSubscriptionRow(existing.id, { enabled: false, disabledReason: REMOVED_REASON, disabledAt: now, updatedBy: "config" }, tx);
      await recordAudit({ actor, action: "webhook.disabled", target: { type: "webhook", id: existing.id }, result: "success", details: { reason: "configuration_removed" } }, tx);
      return "disabled";
    }
    const secret = secretFromTextKey(key);
    if (!existing) {
      const row = await insertSubscription({ url, description: DESCRIPTION, eventTypes: EVENT_TYPES, secret: sealSecret(secret), source: CONFIG_SOURCE, createdBy: "config", updatedBy: "config" }, tx);
      await recordAudit({ actor, action: "webhook.created", target: { type: "webhook", id: row.id }, result: "success", details: { url, eventTypes: EVENT_TYPES, source: CONFIG_SOURCE } }, tx);
      return "created";
    }
    const changes: Record<string, unknown> = {};
    if (existing.url !== url) changes.url = url;
    if (existing.eventTypes.join(",") !== EVENT_TYPES.join(",")) changes.eventTypes = EVENT_TYPES;
    const secretChanged = decryptAtRest(existing.secret, SECRET_PURPOSE) !== secret;
    // Back after being removed from the configuration: on again (an administrator's or the failure run's disabling stands).
    const reEnable = !existing.enabled && existing.disabledReason === REMOVED_REASON;
    if (!Object.keys(changes).length && !secretChanged && !reEnable) return "unchanged";
    await updateSubscriptionRow(
      existing.id,
      {
        ...changes,
        // The old key keeps signing for the overlap, as with a rotation: receivers switch meanwhile.
        ...(secretChanged ? { secret: sealSecret(secret), previousSecret: existing.secret, previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS) } : {}),
        ...(reEnable ? { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null } : {}),
        updatedBy: "config",
      },
      tx,
    );
    if (Object.keys(changes).length) await recordAudit({ actor, action: "webhook.updated", target: { type: "webhook", id: existing.id }, result: "success", details: { fields: Object.keys(changes), source: CONFIG_SOURCE } }, tx);
    if (secretChanged) await recordAudit({ actor, action: "webhook.secret_rotated", target: { type: "webhook", id: existing.id }, result: "success", details: { source: CONFIG_SOURCE } }, tx);
    if (reEnable) await recordAudit({ actor, action: "webhook.enabled", target: { type: "webhook", id: existing.id }, result: "success", details: { source: CONFIG_SOURCE } }, tx);
    return "updated";
  });
}
