import "server-only";
// The direct SQL path (lib/db/sql.ts) for what every sign-in does (the account's facts, the assessment
// and its completion); Prisma for policy, rules and lists, which administrators change.
import { getDb, getSql, Prisma, withTransaction, type SqlParam, type Tx } from "@/lib/db";
import { auditEventInsert, type AuditEventInput } from "@/lib/audit";

export { withTransaction, type Tx };

// Assessments ------------------------------------------------------------------------------------

export type AssessmentRow = Prisma.RiskAssessmentGetPayload<object>;

export interface NewAssessment {
  userId: string;
  clientId: string | null;
  method: string;
  ip: string | null;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  deviceHash: string | null;
  userAgentFamily: string;
  score: number;
  band: string;
  action: string;
  signals: unknown;
  features: unknown;
  matchedRules: string[];
  explanation: string;
  outcome: string;
  createdAt: Date;
  completedAt: Date | null;
}

/** Direct SQL: this runs inside every sign-in (bench/RESULTS.md, risk engine). */
/** The assessment and its audit event, in one statement (one round trip, one commit). */
export async function insertAssessment(id: string, a: NewAssessment, event: AuditEventInput): Promise<void> {
  const params: SqlParam[] = [
    id, a.userId, a.clientId, a.method, a.ip, a.country, a.city, a.latitude, a.longitude, a.deviceHash, a.userAgentFamily,
    a.score, a.band, a.action, JSON.stringify(a.signals), JSON.stringify(a.features), a.matchedRules, a.explanation, a.outcome, a.createdAt, a.completedAt,
  ];
  const audit = auditEventInsert(event, params.length + 1);
  await (await getSql())(
    `WITH a AS (
       INSERT INTO "RiskAssessment" ("id", "userId", "clientId", "method", "ip", "country", "city", "latitude", "longitude", "deviceHash", "userAgentFamily",
         "score", "band", "action", "signals", "features", "matchedRules", "explanation", "outcome", "createdAt", "completedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17::text[], $18, $19, $20, $21)),
     e AS (${audit.text})
     SELECT 1 AS "done"`,
    [...params, ...audit.params],
  );
}

export interface HistoryRow {
  createdAt: Date;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
}

/**
 * What the database knows about this sign-in, in one round trip: the account's recent successful
 * sign-ins (newest first), whether this browser is one of its known devices, and whether the
 * password's SHA-1 is on the imported compromised list.
 */
export async function accountFacts(
  userId: string,
  take: number,
  device: { hash: string; userAgentFamily: string } | null,
  passwordSha1: string | null,
): Promise<{ history: HistoryRow[]; knownDevice: boolean; compromised: boolean }> {
  const [row] = await (await getSql())<{ history: { createdAt: string; country: string | null; city: string | null; latitude: number | null; longitude: number | null }[]; knownDevice: boolean; compromised: boolean }>(
    `SELECT
       (SELECT coalesce(json_agg(h ORDER BY h."createdAt" DESC), '[]'::json) FROM (
          SELECT "createdAt", "country", "city", "latitude", "longitude" FROM "RiskAssessment"
           WHERE "userId" = $1::uuid AND "outcome" = 'succeeded' ORDER BY "createdAt" DESC LIMIT $2) h) AS history,
       EXISTS (SELECT 1 FROM "KnownDevice" WHERE "userId" = $1::uuid AND "deviceHash" = $3 AND "userAgentFamily" = $4) AS "knownDevice",
       EXISTS (SELECT 1 FROM "CompromisedPassword" WHERE "sha1" = $5) AS compromised`,
    [userId, take, device?.hash ?? null, device?.userAgentFamily ?? null, passwordSha1],
  );
  return {
    // json_agg writes timestamp(3) without a zone; the column holds UTC.
    history: (row?.history ?? []).map((h) => ({ ...h, createdAt: new Date(`${h.createdAt}Z`) })),
    knownDevice: row?.knownDevice ?? false,
    compromised: row?.compromised ?? false,
  };
}

type CompletedRow = { userId: string; ip: string | null; country: string | null; city: string | null; features: unknown; createdAt: Date };

/** Sign-ins whose second step (10 minutes at most) was never finished: refused, so they never count. */
export async function closeAbandonedAssessments(before: Date, now: Date): Promise<number> {
  const rows = await (await getSql())<{ id: string }>(
    `UPDATE "RiskAssessment" SET "outcome" = 'refused', "completedAt" = $2 WHERE "outcome" = 'pending' AND "createdAt" < $1 RETURNING "id"`,
    [before, now],
  );
  return rows.length;
}

/** pending -> refused, once. */
export async function refuseAssessmentRow(id: string, now: Date): Promise<void> {
  await (await getSql())(`UPDATE "RiskAssessment" SET "outcome" = 'refused', "completedAt" = $2 WHERE "id" = $1::uuid AND "outcome" = 'pending'`, [id, now]);
}

/**
 * pending -> succeeded, once, and the browser recorded as a known device of the account, in one
 * statement. Returns the row as it was decided and whether the device is new (null: not pending).
 */
export async function succeedAssessmentRow(id: string, deviceHash: string, userAgentFamily: string, now: Date): Promise<(CompletedRow & { newDevice: boolean }) | null> {
  const rows = await (await getSql())<CompletedRow & { newDevice: boolean | null }>(
    `WITH done AS (
       UPDATE "RiskAssessment" SET "outcome" = 'succeeded', "completedAt" = $2 WHERE "id" = $1::uuid AND "outcome" = 'pending'
       RETURNING "userId", "ip", "country", "city", "features", "createdAt"
     ), device AS (
       INSERT INTO "KnownDevice" ("id", "userId", "deviceHash", "userAgentFamily", "firstSeenAt", "lastSeenAt")
       SELECT gen_random_uuid(), "userId", $3, $4, $2, $2 FROM done
       ON CONFLICT ("userId", "deviceHash", "userAgentFamily") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"
       RETURNING (xmax = 0) AS inserted
     )
     SELECT done.*, (SELECT inserted FROM device) AS "newDevice" FROM done`,
    [id, now, deviceHash, userAgentFamily],
  );
  const row = rows[0];
  return row ? { ...row, newDevice: row.newDevice === true } : null;
}

/** High-risk sign-ins, and those refused or locked whatever their score (a rule can deny a low score). */
export async function listAlertAssessments(filter: { since: Date; take: number }) {
  return (await getDb()).riskAssessment.findMany({
    where: { createdAt: { gte: filter.since }, OR: [{ band: "high" }, { action: { in: ["deny", "lock"] } }] },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
    take: filter.take,
  });
}

/** One account's recent assessments, newest first: when, where, how and what was decided (no score, signals or rule ids). */
export async function listAssessmentsOfUser(userId: string, filter: { since: Date; take: number }) {
  return (await getDb()).riskAssessment.findMany({
    where: { userId, createdAt: { gte: filter.since } },
    select: { createdAt: true, ip: true, country: true, city: true, method: true, action: true, outcome: true },
    orderBy: { createdAt: "desc" },
    take: filter.take,
  });
}

/** Every assessment since `since`, oldest first, in pages (the simulation's replay). */
export async function* assessmentsSince(since: Date, pageSize = 1000): AsyncGenerator<AssessmentRow[]> {
  let cursor: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const page: AssessmentRow[] = await (await getDb()).riskAssessment.findMany({
      where: cursor ? { OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] } : { createdAt: { gte: since } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: pageSize,
    });
    if (page.length === 0) return;
    yield page;
    const last = page[page.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
    if (page.length < pageSize) return;
  }
}

// IP lists ---------------------------------------------------------------------------------------

export async function listIpEntries(list?: "deny" | "allow") {
  return (await getDb()).ipListEntry.findMany({ where: list ? { list } : undefined, orderBy: { createdAt: "desc" } });
}

export async function insertIpEntries(rows: { list: string; cidr: string; note: string; createdBy: string }[], tx: Tx): Promise<number> {
  return (await tx.ipListEntry.createMany({ data: rows, skipDuplicates: true })).count;
}

export async function deleteIpEntry(id: string, tx: Tx) {
  const rows = await tx.ipListEntry.findMany({ where: { id } });
  await tx.ipListEntry.deleteMany({ where: { id } });
  return rows[0] ?? null;
}

// Compromised passwords --------------------------------------------------------------------------

export async function insertCompromisedSha1s(hashes: string[], source: string, tx: Tx): Promise<number> {
  return (await tx.compromisedPassword.createMany({ data: hashes.map((sha1) => ({ sha1, source })), skipDuplicates: true })).count;
}

export async function countCompromised(): Promise<number> {
  return (await getDb()).compromisedPassword.count();
}

// Policy settings and rules ----------------------------------------------------------------------

export async function latestPolicyVersion() {
  return (await getDb()).riskPolicyVersion.findFirst({ orderBy: { version: "desc" } });
}

export async function insertPolicyVersion(settings: Prisma.InputJsonValue, createdBy: string, tx: Tx) {
  return tx.riskPolicyVersion.create({ data: { settings, createdBy } });
}

export async function listLiveRules() {
  return (await getDb()).riskRule.findMany({ where: { deletedAt: null }, orderBy: { createdAt: "asc" } });
}

export async function findLiveRule(id: string, tx?: Tx) {
  return (tx ?? (await getDb())).riskRule.findFirst({ where: { id, deletedAt: null } });
}

export async function insertRule(definition: Prisma.InputJsonValue, createdBy: string, tx: Tx) {
  const rule = await tx.riskRule.create({ data: { definition, createdBy } });
  await tx.riskRuleVersion.create({ data: { ruleId: rule.id, version: 1, definition, changedBy: createdBy } });
  return rule;
}

export async function updateRule(id: string, version: number, definition: Prisma.InputJsonValue | null, changedBy: string, now: Date, tx: Tx): Promise<boolean> {
  const { count } = await tx.riskRule.updateMany({
    where: { id, version, deletedAt: null },
    data: definition === null ? { version: version + 1, deletedAt: now } : { version: version + 1, definition },
  });
  if (count !== 1) return false;
  await tx.riskRuleVersion.create({ data: { ruleId: id, version: version + 1, definition: definition ?? Prisma.JsonNull, changedBy } });
  return true;
}
