// High-risk sign-ins reach people: the alerts page lists them (from the assessments), when
// configured they are mailed to RISK_ALERT_EMAIL, and each is a `risk.alert` identity event, which
// webhook subscriptions receive (lib/webhooks; RISK_ALERT_WEBHOOK_URL is one such subscription,
// kept in sync with the configuration at start-up).
import "server-only";
import { config } from "@/lib/config";
import { recordIdentityEvent } from "@/lib/events";
import { enqueueMail } from "@/lib/mail";
import { placeName } from "./geo";
import type { GeoPoint, RiskAction, RiskBand } from "./risk.types";

export interface RiskAlert {
  assessmentId: string;
  userId: string;
  ip: string | null;
  geo: GeoPoint | null;
  score: number;
  band: RiskBand;
  action: RiskAction;
  explanation: string;
  at: Date;
}

export async function raiseRiskAlert(alert: RiskAlert, accountEmail?: string): Promise<void> {
  const c = config();
  const place = alert.geo ? placeName(alert.geo) : (alert.ip ?? "an unknown place");
  try {
    if (c.RISK_ALERT_EMAIL) {
      await enqueueMail({
        to: c.RISK_ALERT_EMAIL,
        template: "risk-alert",
        data: { account: accountEmail ?? alert.userId, action: alert.action, score: alert.score, explanation: alert.explanation, place, at: alert.at.toISOString(), consoleLink: new URL("/admin/risk", c.publicUrl).toString() },
      });
    }
  } catch (e) {
    // An alert must never break the sign-in it is about; the assessment row and audit event stand.
    console.warn(`[risk] could not queue the alert for ${alert.assessmentId}: ${e instanceof Error ? e.message : e}`);
  }
  // Never throws (an event must not break what it reports); no address, place or explanation: ids and figures only.
  await recordIdentityEvent({ type: "risk.alert", userId: alert.userId, data: { assessmentId: alert.assessmentId, score: alert.score, band: alert.band, action: alert.action } });
}
