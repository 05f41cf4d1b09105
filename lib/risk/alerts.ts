// High-risk sign-ins reach people: the alerts page lists them (from the assessments), and when
// configured they are mailed to RISK_ALERT_EMAIL and POSTed to RISK_ALERT_WEBHOOK_URL, signed as
// Standard Webhooks do (webhook-id, webhook-timestamp, webhook-signature: v1,base64 HMAC-SHA256 of
// "id.timestamp.body" under RISK_ALERT_WEBHOOK_SECRET), retried through the outbound queue.
import "server-only";
import crypto from "node:crypto";
import { config } from "@/lib/config";
import { enqueueMail } from "@/lib/mail";
import { enqueueHttpDelivery } from "@/lib/outbound";
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

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${crypto.createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
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
    if (c.RISK_ALERT_WEBHOOK_URL && c.RISK_ALERT_WEBHOOK_SECRET) {
      const id = `risk_${alert.assessmentId}`;
      const timestamp = Math.floor(alert.at.getTime() / 1000);
      const body = JSON.stringify({ type: "risk.high", timestamp: alert.at.toISOString(), data: { ...alert, at: alert.at.toISOString() } });
      await enqueueHttpDelivery({
        kind: "risk_alert",
        url: c.RISK_ALERT_WEBHOOK_URL,
        contentType: "application/json",
        body,
        headers: { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signWebhook(c.RISK_ALERT_WEBHOOK_SECRET, id, timestamp, body) },
      });
    }
  } catch (e) {
    // An alert must never break the sign-in it is about; the assessment row and audit event stand.
    console.warn(`[risk] could not queue the alert for ${alert.assessmentId}: ${e instanceof Error ? e.message : e}`);
  }
}
