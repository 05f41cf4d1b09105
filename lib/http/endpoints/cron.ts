// GET /api/cron: the background work of a deployment without a long-running process (Vercel Cron
// calls it on the schedule in vercel.json, with `Authorization: Bearer $CRON_SECRET`). Drains
// every outbox queue within a time budget, runs the janitor's pass, and answers a JSON summary
// (counts only). Without CRON_SECRET it is refused: an open trigger would let anyone make the
// server work on demand.
import "server-only";
import crypto from "node:crypto";
import { config } from "@/lib/config";
import { runBackgroundWork } from "@/lib/startup";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";

/** Time for the drain; the janitor and the answer fit in the rest of the route's maxDuration (60 s). */
const DRAIN_BUDGET_MS = 40_000;

const json = (status: number, body: unknown, extra: Record<string, string> = {}): EndpointResult => ({
  status,
  headers: { "Content-Type": "application/json", ...NO_STORE, ...extra },
  body: JSON.stringify(body),
});

/** Constant time in the secret: both sides are hashed to the same length before the comparison. */
function matchesSecret(authorization: string | null, secret: string): boolean {
  const given = /^Bearer (.+)$/.exec(authorization ?? "")?.[1] ?? "";
  const digest = (s: string) => crypto.createHash("sha256").update(s).digest();
  return crypto.timingSafeEqual(digest(given), digest(secret)) && given.length > 0;
}

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  const secret = config().CRON_SECRET;
  if (!secret) {
    console.warn("[portico] /api/cron refused: CRON_SECRET is not set");
    return json(401, { error: "unauthorized" }, { "WWW-Authenticate": "Bearer" });
  }
  if (!matchesSecret(request.headers.get("authorization"), secret)) {
    return json(401, { error: "unauthorized" }, { "WWW-Authenticate": "Bearer" });
  }
  return json(200, await runBackgroundWork({ budgetMs: DRAIN_BUDGET_MS }));
}
