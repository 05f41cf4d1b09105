// Progressive profiling's reads and writes: the user's state for one application's policy (ONE
// statement: the authorization endpoint's only extra cost, paid only when the application has a
// policy) and the customer's "Not now" answers.
import "server-only";
import { getDb, getSql, withTransaction, type Tx } from "@/lib/db";
import { isUuid, jsonColumn } from "@/lib/formats";

export { withTransaction, type Tx };

export interface ProfilingStateRow {
  answered: string[];
  askable: string[];
  /** Epoch milliseconds of the last "Not now", by attribute. */
  skipped: Record<string, number>;
  signIns: number;
  /** The named purposes that exist and are based on consent: current version, and the user's decision. */
  purposes: Record<string, { current: number; status: "given" | "withdrawn" | null; version: number | null }>;
}

/**
 * For the attributes `names`: which the user holds a value of, which still exist and are writable
 * by the customer, when the user last skipped each question for this application, and how many
 * authorizations they completed with it; for the purposes `purposeKeys`: the current version and
 * the user's decision. Null when the user does not exist.
 */
export async function findProfilingState(userId: string, clientId: string, names: string[], purposeKeys: string[]): Promise<ProfilingStateRow | null> {
  if (!isUuid(userId)) return null;
  const rows = await (await getSql())<{ state: unknown }>(
    `SELECT jsonb_build_object(
       'answered', to_jsonb(ARRAY(SELECT n FROM unnest($3::text[]) n WHERE u."attributes" ? n)),
       'askable', to_jsonb(ARRAY(SELECT d."name" FROM "AttributeDefinition" d WHERE d."name" = ANY($3::text[]) AND d."customerAccess" = 'write')),
       'skipped', coalesce((SELECT jsonb_object_agg(s."attribute", floor(extract(epoch FROM s."skippedAt") * 1000)::bigint)
                            FROM "ProfilePromptSkip" s WHERE s."userId" = u."id" AND s."clientId" = $2), '{}'::jsonb),
       'signIns', coalesce((SELECT c."count" FROM "ApplicationSignIn" c WHERE c."userId" = u."id" AND c."clientId" = $2), 0),
       'purposes', coalesce((SELECT jsonb_object_agg(p."key", jsonb_build_object(
                               'current', (SELECT max(v."version") FROM "PurposeVersion" v WHERE v."purposeId" = p."id"),
                               'status', pc."status",
                               'version', (SELECT cv."version" FROM "PurposeVersion" cv WHERE cv."id" = pc."versionId")))
                             FROM "Purpose" p LEFT JOIN "PurposeConsent" pc ON pc."purposeId" = p."id" AND pc."userId" = u."id"
                             WHERE p."key" = ANY($4::text[]) AND p."legalBasis" = 'consent'
                               AND EXISTS (SELECT 1 FROM "PurposeVersion" v WHERE v."purposeId" = p."id")), '{}'::jsonb)
     ) AS "state"
     FROM "User" u WHERE u."id" = $1::uuid`,
    [userId, clientId, names, purposeKeys],
  );
  const raw = rows[0]?.state;
  if (raw === undefined) return null;
  const state = (jsonColumn(raw) ?? {}) as ProfilingStateRow;
  return { answered: state.answered ?? [], askable: state.askable ?? [], skipped: state.skipped ?? {}, signIns: Number(state.signIns ?? 0), purposes: state.purposes ?? {} };
}

/** Records (or renews) the user's "Not now" to these questions (attribute names, purposeQuestionKey) for this application. */
export async function upsertSkips(userId: string, clientId: string, questions: string[], now: Date, tx: Tx): Promise<void> {
  for (const attribute of questions) {
    await tx.profilePromptSkip.upsert({
      where: { userId_clientId_attribute: { userId, clientId, attribute } },
      create: { userId, clientId, attribute, skippedAt: now },
      update: { skippedAt: now },
    });
  }
}

/** The person's sign-in counters and "Not now" answers, every application (the data export). */
export async function listProfilingRowsOfUser(userId: string) {
  const db = await getDb();
  const [signIns, skips] = await Promise.all([
    db.applicationSignIn.findMany({ where: { userId }, orderBy: { lastAt: "desc" }, select: { clientId: true, count: true, lastAt: true } }),
    db.profilePromptSkip.findMany({ where: { userId }, orderBy: { skippedAt: "desc" }, select: { clientId: true, attribute: true, skippedAt: true } }),
  ]);
  return { signIns, skips };
}
