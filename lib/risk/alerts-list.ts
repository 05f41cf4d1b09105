// The alerts page's data: recent high-risk sign-ins, and denied or locked ones, newest first.
import "server-only";
import { assertPermission } from "@/lib/users";
import { placeOf } from "./geo";
import { listAlertAssessments } from "./risk.repo";

export async function listRecentAlerts(actor: { id: string; roles: string[] }, opts: { days?: number; take?: number } = {}) {
  assertPermission(actor, "risk:read");
  const since = new Date(Date.now() - (opts.days ?? 30) * 24 * 3600_000);
  const rows = await listAlertAssessments({ since, take: Math.min(opts.take ?? 100, 500) });
  return rows.map((r) => ({ id: r.id, at: r.createdAt, userId: r.userId, email: r.user.email, ip: r.ip, place: placeOf(r), score: r.score, action: r.action, outcome: r.outcome, explanation: r.explanation }));
}
