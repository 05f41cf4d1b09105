import "server-only";
import { getDb, getSql, Prisma, withTransaction, type Tx } from "@/lib/db";

export { withTransaction, type Tx };

// Assessments ------------------------------------------------------------------------------------

export type AssessmentRow = Prisma.RiskAssessmentGetPayload<object>;

export async function insertAssessment(data: Prisma.RiskAssessmentUncheckedCreateInput): Promise<{ id: string }> {
  return (await getDb()).riskAssessment.create({ data, select: { id: true } });
}

/** The account's recent successful sign-ins, newest first (location and time of each). */
export async function recentSuccesses(userId: string, take: number): Promise<{ createdAt: Date; country: string | null; city: string | null; latitude: number | null; longitude: number | null }[]> {
  return (await getSql())(
    `SELECT "createdAt", "country", "city", "latitude", "longitude" FROM "RiskAssessment"
      WHERE "userId" = $1 AND "outcome" = 'succeeded' ORDER BY "createdAt" DESC LIMIT $2`,
    [userId, take],
  );
}

/** pending -> succeeded | refused, once. */
export async function completeAssessmentRow(id: string, outcome: "succeeded" | "refused", now: Date): Promise<AssessmentRow | null> {
  const rows = await (await getDb()).riskAssessment.updateManyAndReturn({ where: { id, outcome: "pending" }, data: { outcome, completedAt: now } });
  return rows[0] ?? null;
}

export async function listAssessments(filter: { since: Date; bands?: string[]; take: number }): Promise<AssessmentRow[]> {
  return (await getDb()).riskAssessment.findMany({
    where: { createdAt: { gte: filter.since }, ...(filter.bands ? { band: { in: filter.bands } } : {}) },
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

// Known devices ----------------------------------------------------------------------------------

export async function isKnownDevice(userId: string, deviceHash: string, userAgentFamily: string): Promise<boolean> {
  const rows = await (await getSql())<{ one: number }>(
    `SELECT 1 AS one FROM "KnownDevice" WHERE "userId" = $1 AND "deviceHash" = $2 AND "userAgentFamily" = $3`,
    [userId, deviceHash, userAgentFamily],
  );
  return rows.length > 0;
}

/** Records the device; true when it was not known before. */
export async function rememberDevice(userId: string, deviceHash: string, userAgentFamily: string, now: Date): Promise<boolean> {
  const rows = await (await getSql())<{ inserted: boolean }>(
    `INSERT INTO "KnownDevice" ("id", "userId", "deviceHash", "userAgentFamily", "firstSeenAt", "lastSeenAt")
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $4)
     ON CONFLICT ("userId", "deviceHash", "userAgentFamily") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"
     RETURNING (xmax = 0) AS inserted`,
    [userId, deviceHash, userAgentFamily, now],
  );
  return rows[0]?.inserted ?? false;
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

export async function isCompromisedSha1(sha1: string): Promise<boolean> {
  const rows = await (await getSql())<{ one: number }>(`SELECT 1 AS one FROM "CompromisedPassword" WHERE "sha1" = $1`, [sha1]);
  return rows.length > 0;
}

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

export async function listRuleVersions(ruleId: string) {
  return (await getDb()).riskRuleVersion.findMany({ where: { ruleId }, orderBy: { version: "desc" } });
}
