// The risk engine's recent judgements about a person, as their copy of their data lists them
// (lib/privacy): when, from where, with what, what it decided and how the sign-in ended. The
// score, the signals' weights and the administrators' rule ids are internals and stay out.
import "server-only";
import { placeOf } from "./geo";
import { listAssessmentsOfUser } from "./risk.repo";

export interface AssessmentView {
  at: Date;
  ip: string | null;
  place: string | null;
  /** The first factor judged: password or passkey. */
  method: string;
  /** allow, mfa, strong_mfa, reset_password, lock or deny. */
  action: string;
  /** pending, succeeded or refused. */
  outcome: string;
}

export const EXPORTED_ASSESSMENT_DAYS = 90;
const MAX_EXPORTED_ASSESSMENTS = 500;

export async function recentAssessmentsForExport(userId: string, now = new Date()): Promise<AssessmentView[]> {
  const since = new Date(now.getTime() - EXPORTED_ASSESSMENT_DAYS * 24 * 3600_000);
  const rows = await listAssessmentsOfUser(userId, { since, take: MAX_EXPORTED_ASSESSMENTS });
  return rows.map((r) => ({ at: r.createdAt, ip: r.ip, place: placeOf(r), method: r.method, action: r.action, outcome: r.outcome }));
}
