import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/db";
import { useTestDatabase } from "@/test/db";
import { parseFilter } from "./filter";
import { compileFilter, ENTERPRISE_USER_SCHEMA, groupCatalog, PORTICO_USER_SCHEMA, sortKey, userCatalog } from "./filter-sql.repo";
import { ScimError } from "./scim.errors";

const t = useTestDatabase();
const users = userCatalog([
  { name: "tier", type: "number" },
  { name: "region", type: "string" },
  { name: "vip", type: "boolean" },
  { name: "joined", type: "date" },
]);
const sqlOf = (filter: string, catalog = users) => {
  const s = compileFilter(parseFilter(filter), catalog);
  return { sql: s.sql, values: s.values };
};
const EMAILS = `COALESCE(u."scimAttributes"->'emails', CASE WHEN u."email" IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('value', u."email", 'primary', true)) END)`;
const EMAIL_ROWS = `jsonb_array_elements(CASE WHEN jsonb_typeof(${EMAILS}) = 'array' THEN ${EMAILS} ELSE '[]'::jsonb END) e`;
const UUID = "6b1e3f2a-4c5d-4e6f-8a9b-0c1d2e3f4a5b";

describe("compileFilter: SQL", () => {
  it.each<[string, string, unknown[]]>([
    // The unique index's expression, exactly: an index lookup, and a range of it for a prefix.
    ['userName eq "Bjensen"', `lower(COALESCE(u."userName", u."email")) COLLATE "C" = lower(?)`, ["Bjensen"]],
    ['USERNAME sw "O"', `(lower(COALESCE(u."userName", u."email")) COLLATE "C" >= lower(?) COLLATE "C" AND lower(COALESCE(u."userName", u."email")) COLLATE "C" < (lower(?) || chr(1114111)) COLLATE "C")`, ["O", "O"]],
    ['userName ne "x"', `lower(COALESCE(u."userName", u."email")) COLLATE "C" IS DISTINCT FROM lower(?)`, ["x"]],
    ['userName co "a%b_c\\\\"', `lower(COALESCE(u."userName", u."email")) COLLATE "C" LIKE lower(?) ESCAPE '\\'`, ["%a\\%b\\_c\\\\%"]],
    ['userName ew "x"', `lower(COALESCE(u."userName", u."email")) COLLATE "C" LIKE lower(?) ESCAPE '\\'`, ["%x"]],
    ['userName gt "m"', `lower(COALESCE(u."userName", u."email")) COLLATE "C" > lower(?)`, ["m"]],
    ['externalId eq "Ab"', `u."externalId" = ?`, ["Ab"]],
    ['externalId sw "A"', `u."externalId" LIKE ? ESCAPE '\\'`, ["A%"]],
    [`id eq "${UUID}"`, `u."id" = ?::uuid`, [UUID]],
    ['id eq "not-a-uuid"', `FALSE`, []],
    ['id ne "not-a-uuid"', `TRUE`, []],
    ['displayName eq "x"', `lower(u."displayName") = lower(?)`, ["x"]],
    ['name.givenName sw "b"', `lower(u."givenName") LIKE lower(?) ESCAPE '\\'`, ["b%"]],
    ['name.formatted eq "x"', `lower((u."scimAttributes"->'name'->>'formatted')) = lower(?)`, ["x"]],
    ['nickName eq "x"', `lower(u."nickname") = lower(?)`, ["x"]],
    ['timezone eq "x"', `lower(u."zoneinfo") = lower(?)`, ["x"]],
    ['title eq "x"', `lower((u."scimAttributes"->>'title')) = lower(?)`, ["x"]],
    ["title pr", `((u."scimAttributes"->>'title') IS NOT NULL AND (u."scimAttributes"->>'title') <> '')`, []],
    ["title eq null", `((u."scimAttributes"->>'title') IS NULL)`, []],
    ["active eq true", `(u."disabledAt" IS NULL) = ?`, [true]],
    ["active ne true", `(u."disabledAt" IS NULL) IS DISTINCT FROM ?`, [true]],
    ["meta.created gt 2015-10-10T14:38:21.8617979-07:00", `u."createdAt" > ?::timestamp`, ["2015-10-10T21:38:21.861Z"]],
    ["meta.created lt 2015-10-10T14:38:21.8617979-07:00", `u."createdAt" < ?::timestamp`, ["2015-10-10T21:38:21.862Z"]],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', `u."updatedAt" <= ?::timestamp`, ["2011-05-13T04:42:34.000Z"]],
    ['not (title eq "x")', `NOT COALESCE(lower((u."scimAttributes"->>'title')) = lower(?), false)`, ["x"]],
    ['name.familyName eq "x" or userName eq "y"', `(lower(u."familyName") = lower(?) OR lower(COALESCE(u."userName", u."email")) COLLATE "C" = lower(?))`, ["x", "y"]],
    ['emails co "x"', `EXISTS (SELECT 1 FROM ${EMAIL_ROWS} WHERE lower((e->>'value')) LIKE lower(?) ESCAPE '\\')`, ["%x%"]],
    ['emails.type ne "work"', `NOT EXISTS (SELECT 1 FROM ${EMAIL_ROWS} WHERE lower((e->>'type')) = lower(?))`, ["work"]],
    [
      'emails[type eq "work" and value co "@example.com"]',
      `EXISTS (SELECT 1 FROM ${EMAIL_ROWS} WHERE (lower((e->>'type')) = lower(?) AND lower((e->>'value')) LIKE lower(?) ESCAPE '\\'))`,
      ["work", "%@example.com%"],
    ],
    ["emails[primary eq true]", `EXISTS (SELECT 1 FROM ${EMAIL_ROWS} WHERE (CASE lower(e->>'primary') WHEN 'true' THEN true WHEN 'false' THEN false END) = ?)`, [true]],
    [
      `groups.value eq "${UUID}"`,
      `EXISTS (SELECT 1 FROM "GroupMember" gm JOIN "Group" g ON g."id" = gm."groupId" WHERE gm."userId" = u."id" AND g."id" = ?::uuid)`,
      [UUID],
    ],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value eq "m"`, `lower((u."scimAttributes"->'enterprise'->'manager'->>'value')) = lower(?)`, ["m"]],
    ['department eq "Sales"', `lower((u."scimAttributes"->'enterprise'->>'department')) = lower(?)`, ["Sales"]],
    ["tier ge 3", `(CASE WHEN jsonb_typeof(u."attributes"->'tier') = 'number' THEN (u."attributes"->>'tier')::numeric END) >= ?::numeric`, [3]],
    [`${PORTICO_USER_SCHEMA}:region eq "EU"`, `lower((u."attributes"->>'region')) = lower(?)`, ["EU"]],
    ["vip eq true", `(CASE lower(u."attributes"->>'vip') WHEN 'true' THEN true WHEN 'false' THEN false END) = ?`, [true]],
  ])("%s", (filter, sql, values) => {
    expect(sqlOf(filter)).toEqual({ sql, values });
  });

  it.each<[string, string, unknown[]]>([
    ['displayName eq "Admins"', `lower(g."displayName") COLLATE "C" = lower(?)`, ["Admins"]],
    [`members.value eq "${UUID}"`, `EXISTS (SELECT 1 FROM "GroupMember" m WHERE m."groupId" = g."id" AND NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = m."userId") AND m."userId" = ?::uuid)`, [UUID]],
    ['members.value eq "x"', `EXISTS (SELECT 1 FROM "GroupMember" m WHERE m."groupId" = g."id" AND NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = m."userId") AND FALSE)`, []],
    ['members[display eq "Bob"]', `EXISTS (SELECT 1 FROM "GroupMember" m JOIN "User" mu ON mu."id" = m."userId" WHERE m."groupId" = g."id" AND NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = m."userId") AND lower(mu."displayName") = lower(?))`, ["Bob"]],
    ['externalId eq "x"', `g."externalId" = ?`, ["x"]],
  ])("group: %s", (filter, sql, values) => {
    expect(sqlOf(filter, groupCatalog)).toEqual({ sql, values });
  });

  it("keeps injection attempts as parameters", () => {
    for (const [filter, value] of [
      ['userName eq "x\\" or 1=1 --"', 'x" or 1=1 --'],
      ['userName eq "\'; DROP TABLE \\"User\\"; --"', `'; DROP TABLE "User"; --`],
    ] as const) {
      const { sql, values } = sqlOf(filter);
      expect(sql).toBe(`lower(COALESCE(u."userName", u."email")) COLLATE "C" = lower(?)`);
      expect(values).toEqual([value]);
    }
  });

  it.each<[string, string, RegExp]>([
    ['userName;drop eq "x"', "invalidFilter", /not an attribute path/],
    ['nope eq "x"', "invalidFilter", /unknown attribute "nope"/],
    ['name.nope eq "x"', "invalidFilter", /unknown attribute "name.nope"/],
    ['userName.x eq "x"', "invalidFilter", /no sub-attributes/],
    ['name eq "x"', "invalidFilter", /is complex/],
    ['emails[nope eq "x"]', "invalidFilter", /unknown attribute "emails.nope"/],
    ['userName[value eq "x"]', "invalidFilter", /not multi-valued/],
    [`${ENTERPRISE_USER_SCHEMA}:userName eq "x"`, "invalidFilter", /unknown attribute/],
    [`${PORTICO_USER_SCHEMA}:undefinedAttr eq "x"`, "invalidFilter", /unknown attribute/],
    ["active gt true", "invalidFilter", /does not apply to the boolean/],
    ['active eq "maybe"', "invalidFilter", /is a boolean/],
    ['emails.primary lt false', "invalidFilter", /does not apply to the boolean/],
    ['meta.created gt "yesterday"', "invalidFilter", /date-time/],
    ['meta.created co "2015"', "invalidFilter", /does not apply to the date-time/],
    ['tier eq "gold"', "invalidFilter", /is a number/],
    ["title gt null", "invalidFilter", /compares nothing/],
  ])("refuses %s", (filter, scimType, detail) => {
    let error: unknown;
    try {
      sqlOf(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe(scimType);
    expect((error as ScimError).message).toMatch(detail);
  });

  it("sortKey: singular attributes only", () => {
    expect(sortKey({ attr: "userName" }, users).sql).toBe(`lower(COALESCE(u."userName", u."email")) COLLATE "C"`);
    expect(sortKey({ attr: "name", sub: "familyName" }, users).sql).toBe(`lower(u."familyName")`);
    expect(sortKey({ attr: "meta", sub: "Created" }, users).sql).toBe(`u."createdAt"`);
    expect(sortKey({ attr: "externalId" }, users).sql).toBe(`u."externalId"`);
    for (const bad of [{ attr: "emails" }, { attr: "name" }, { attr: "nope" }, { attr: "userName;drop" }]) {
      expect(() => sortKey(bad, users)).toThrow(expect.objectContaining({ code: "invalidValue" }));
    }
  });
});

describe("compileFilter against the database", () => {
  const ids = new Map<string, string>();
  beforeAll(async () => {
    const db = t.db();
    const rows = [
      { userName: "Bjensen", email: "bjensen@example.com", externalId: "ext-1", displayName: "BobIsAmazing", familyName: "Employee", givenName: "Barbara", createdAt: new Date("2015-10-10T21:38:21.862Z"), scimAttributes: { title: "Tour Guide", enterprise: { department: "Sales", manager: { value: "boss-1" } } }, attributes: { tier: 3, region: "EU", vip: true, joined: "2020-01-05" } },
      { userName: "Otto", email: null, externalId: "EXT-1", displayName: "Otto", familyName: "employee", createdAt: new Date("2015-10-10T21:38:21.861Z"), scimAttributes: { emails: [{ value: "otto@example.org", type: "work", primary: true }, { value: "otto@home.net", type: "home" }] }, attributes: { tier: 10, region: "US" } },
      { userName: "oscar", email: "oscar@example.net", externalId: null, displayName: null, familyName: "Employee", createdAt: new Date("2014-01-01T00:00:00Z"), disabledAt: new Date("2020-01-01T00:00:00Z"), scimAttributes: { emails: [{ value: "oscar@example.com", type: "home" }, { value: "oscar@work.net", type: "work" }], title: "" }, attributes: { tier: "three", vip: false } },
      { userName: "100%_sure", email: "p@example.com", externalId: null, displayName: "Percent", familyName: null, createdAt: new Date("2016-01-01T00:00:00Z"), scimAttributes: { emails: "not an array" }, attributes: {} },
      { userName: "1000xsure", email: null, externalId: null, displayName: "NoPercent", familyName: null, createdAt: new Date("2016-01-01T00:00:00Z"), scimAttributes: {}, attributes: {} },
    ];
    for (const r of rows) {
      const u = await db.user.create({ data: r });
      ids.set(r.userName, u.id);
    }
    const g = await db.group.create({ data: { displayName: "Admins", externalId: "g-1" } });
    await db.groupMember.create({ data: { groupId: g.id, userId: ids.get("Otto")! } });
    ids.set("group:Admins", g.id);
    await db.group.create({ data: { displayName: "Empty" } });
  });

  async function usersMatching(filter: string): Promise<string[]> {
    const rows = await t.db().$queryRaw<{ userName: string }[]>(Prisma.sql`SELECT u."userName" FROM "User" u WHERE ${compileFilter(parseFilter(filter), users)} `);
    return rows.map((r) => r.userName).sort();
  }

  it.each<[string, string[]]>([
    // Microsoft Entra's test collection.
    ["name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)", ["Bjensen", "oscar", "Otto"]],
    ["userName sw O", ["oscar", "Otto"]],
    ["meta.Created gt 2015-10-10T14:38:21.8617979-07:00", ["1000xsure", "100%_sure", "Bjensen"]],
    ['DisplayName eq "BobIsAmazing"', ["Bjensen"]],
    // Case and NULLs.
    ['userName eq "BJENSEN"', ["Bjensen"]],
    ['externalId eq "ext-1"', ["Bjensen"]],
    ['externalId ne "ext-1"', ["1000xsure", "100%_sure", "oscar", "Otto"]],
    ['not (displayName eq "otto")', ["1000xsure", "100%_sure", "Bjensen", "oscar"]],
    ['displayName ne "otto"', ["1000xsure", "100%_sure", "Bjensen", "oscar"]],
    ["title pr", ["Bjensen"]],
    ["not (title pr)", ["1000xsure", "100%_sure", "oscar", "Otto"]],
    ["active eq false", ["oscar"]],
    // LIKE patterns are literal.
    ['userName co "%"', ["100%_sure"]],
    ['userName sw "100%"', ["100%_sure"]],
    ['userName co "_"', ["100%_sure"]],
    ['userName eq "x\\" or 1=1 --"', []],
    ['userName eq "\'; DROP TABLE \\"User\\"; --"', []],
    // Multi-valued: some value, or one value matching all of the brackets.
    // A stored value that is not an array counts as no values.
    ['emails.value ew "example.com"', ["Bjensen", "oscar"]],
    ['emails[type eq "work" and value co "example.com"]', []],
    ['emails[type eq "work" and value co "work.net"]', ["oscar"]],
    ['emails.type eq "work" and emails.value co "example.com"', ["oscar"]],
    ["emails[primary eq true]", ["Bjensen", "Otto"]],
    ["emails pr", ["Bjensen", "oscar", "Otto"]],
    ['emails.type ne "work"', ["1000xsure", "100%_sure", "Bjensen"]],
    // Groups, extensions, custom attributes.
    ['groups.display eq "admins"', ["Otto"]],
    ['groups.value eq "not-a-uuid"', []],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "BOSS-1"', ["Bjensen"]],
    ['department sw "sal"', ["Bjensen"]],
    ["tier gt 5", ["Otto"]],
    ["tier le 3", ["Bjensen"]],
    ["vip eq false", ["oscar"]],
    ['joined ge "2020-01-01"', ["Bjensen"]],
    ['region eq "eu" or region eq "us"', ["Bjensen", "Otto"]],
  ])("%s", async (filter, expected) => {
    expect(await usersMatching(filter)).toEqual([...expected].sort());
  });

  it("by id", async () => {
    expect(await usersMatching(`id eq "${ids.get("Otto")}"`)).toEqual(["Otto"]);
    expect(await usersMatching(`id ne "${ids.get("Otto")}"`)).toHaveLength(4);
  });

  it("groups", async () => {
    const groupsMatching = async (filter: string) =>
      (await t.db().$queryRaw<{ displayName: string }[]>(Prisma.sql`SELECT g."displayName" FROM "Group" g WHERE ${compileFilter(parseFilter(filter), groupCatalog)} ORDER BY 1`)).map((r) => r.displayName);
    expect(await groupsMatching('displayName eq "ADMINS"')).toEqual(["Admins"]);
    expect(await groupsMatching('displayName sw "e"')).toEqual(["Empty"]);
    expect(await groupsMatching(`members.value eq "${ids.get("Otto")}"`)).toEqual(["Admins"]);
    expect(await groupsMatching(`members.value eq "${ids.get("Bjensen")}"`)).toEqual([]);
    expect(await groupsMatching('members[display eq "otto"]')).toEqual(["Admins"]);
    expect(await groupsMatching("not (members pr)")).toEqual(["Empty"]);
  });

  // Last: it adds thousands of rows. The plan is the planner's own choice (no enable_seqscan = off).
  it("EXPLAIN: userName eq and sw use User_scimUserName_idx, externalId eq uses User_externalId_idx", async () => {
    const db = t.db();
    await db.user.createMany({
      data: Array.from({ length: 5000 }, (_, i) => ({ userName: `bulk${i}`, email: `bulk${i}@example.com`, externalId: `bulk-ext-${i}` })),
    });
    await db.$executeRawUnsafe(`ANALYZE "User"`);
    const plan = async (filter: string) =>
      (await db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN SELECT u."id" FROM "User" u WHERE ${compileFilter(parseFilter(filter), users)}`)).map((r) => r["QUERY PLAN"]).join("\n");
    expect(await plan('userName eq "Bulk42"')).toContain("User_scimUserName_idx");
    expect(await plan('userName sw "bulk42"')).toContain("User_scimUserName_idx");
    expect(await plan('externalId eq "bulk-ext-42"')).toContain("User_externalId_idx");
    expect(await usersMatching('userName eq "BULK42"')).toEqual(["bulk42"]);
  });
});
