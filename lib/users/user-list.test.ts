import { describe, expect, it, beforeAll } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { listUsers } from "./index";
import { userListQuerySchema, type UserListQueryInput } from "./user-list.schema";
import { encodeCursor } from "./user-list-cursor";
import { narrowCapSql, userListPageSql, type UserListRow } from "./user-list.repo";
import { Prisma } from "@/lib/db";
import { attributeCandidates, filterOf } from "./user-list";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const NOW = new Date("2026-12-01T12:00:00.000Z");
const query = (input: UserListQueryInput) => userListQuerySchema.parse(input);

interface Seeded {
  id: string;
  email: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}
let seeded: Seeded[] = [];
let rowsSeeded: { email: string; displayName: string | null; givenName: string | null; familyName: string | null }[] = [];

// 130 customers: creation times in 7 buckets and sign-in times in 4 (ties on every sort key but
// the address), a third never signed in (NULL lastLoginAt), and a few of each status.
beforeAll(async () => {
  const rows = Array.from({ length: 130 }, (_, i) => ({
    email: `user${String(i).padStart(3, "0")}.${["eu", "us", "apac"][i % 3]}@example.${i % 2 ? "com" : "org"}`,
    displayName: i % 10 === 0 ? null : `${["Mario", "María", "Zoë", "anne"][i % 4]} ${["Rossi", "García", "Smith"][i % 3]} ${i}`,
    givenName: i % 10 === 0 ? "Benedikt" : null,
    familyName: i % 10 === 0 ? "Ölmez" : null,
    phoneNumber: i % 5 === 0 ? `+4479${String(i).padStart(8, "0")}` : null,
    createdAt: new Date(Date.UTC(2025, i % 7, 1)),
    lastLoginAt: i % 3 === 0 ? null : new Date(Date.UTC(2026, i % 4, 2)),
    emailVerifiedAt: i % 4 === 3 ? null : new Date(Date.UTC(2025, 0, 2)),
    lockedUntil: i % 17 === 1 ? new Date(NOW.getTime() + 3_600_000) : i % 17 === 2 ? new Date(NOW.getTime() - 3_600_000) : null,
    disabledAt: i % 19 === 5 || i % 23 === 7 ? new Date(Date.UTC(2026, 5, 1)) : null,
    deletionRequestedAt: i % 23 === 7 ? new Date(Date.UTC(2026, 5, 1)) : null,
    attributes: { region: ["EU", "US", "APAC"][i % 3]!, tier: i % 6 === 0 ? 3 : "basic" },
  }));
  await t.db().user.createMany({ data: rows });
  rowsSeeded = rows;
  seeded = (await t.db().user.findMany({ select: { id: true, email: true, createdAt: true, lastLoginAt: true } })).map((u) => ({ ...u, email: u.email! }));
});

type Sort = "createdAt" | "lastLoginAt" | "email";
function expectedOrder(sort: Sort, dir: "asc" | "desc", users = seeded): string[] {
  const key = (u: Seeded): number | string => (sort === "email" ? u.email : sort === "createdAt" ? u.createdAt.getTime() : (u.lastLoginAt?.getTime() ?? -Infinity));
  const sorted = [...users].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return dir === "asc" ? c : -c;
  });
  return sorted.map((u) => u.id);
}

async function walkForward(input: UserListQueryInput) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await listUsers(admin, query({ ...input, cursor }), NOW);
    pages.push(page.users.map((u) => u.id));
    if (guard === 0) expect(page.previous).toBeNull();
    else expect(page.previous).not.toBeNull();
    if (!page.next) return { pages, last: cursor };
    cursor = page.next;
  }
  throw new Error("no last page");
}

describe(`the console's user list on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  for (const sort of ["createdAt", "lastLoginAt", "email"] as const) {
    for (const dir of ["asc", "desc"] as const) {
      it(`walks every user once, in order, by ${sort} ${dir} (ties and never-signed-in included), forwards and back`, async () => {
        const { pages } = await walkForward({ sort, dir, size: "25" });
        expect(pages.map((p) => p.length)).toEqual([25, 25, 25, 25, 25, 5]);
        expect(pages.flat()).toEqual(expectedOrder(sort, dir));

        // Back from the last page by Previous links: the same pages, in reverse.
        let cursor: string | undefined;
        for (let i = 0; i < pages.length - 1; i++) cursor = (await listUsers(admin, query({ sort, dir, size: "25", cursor }), NOW)).next!;
        let page = await listUsers(admin, query({ sort, dir, size: "25", cursor }), NOW);
        expect(page.next).toBeNull();
        const back: string[][] = [page.users.map((u) => u.id)];
        while (page.previous) {
          page = await listUsers(admin, query({ sort, dir, size: "25", cursor: page.previous === "first" ? undefined : page.previous }), NOW);
          back.unshift(page.users.map((u) => u.id));
        }
        expect(back).toEqual(pages);
      });
    }
  }

  it("pages by 50 and 100 too", async () => {
    expect((await walkForward({ size: "50" })).pages.map((p) => p.length)).toEqual([50, 50, 30]);
    expect((await walkForward({ size: "100", sort: "email", dir: "asc" })).pages.flat()).toEqual(expectedOrder("email", "asc"));
  });

  it("answers an altered cursor, or one made for another sort, with invalid_cursor", async () => {
    const first = await listUsers(admin, query({ sort: "email", dir: "asc" }), NOW);
    const next = first.next!;
    for (const cursor of ["not-base64!", "AAAA", Buffer.from('["email","asc","a",null,"x"]').toString("base64url"), Buffer.from('["email","asc","a","a@b","not-a-uuid"]').toString("base64url"), `${next}x`]) {
      await expect(listUsers(admin, query({ sort: "email", dir: "asc", cursor }), NOW)).rejects.toMatchObject({ code: "invalid_cursor" });
    }
    await expect(listUsers(admin, query({ sort: "createdAt", dir: "asc", cursor: next }), NOW)).rejects.toMatchObject({ code: "invalid_cursor" });
    await expect(listUsers(admin, query({ sort: "email", dir: "desc", cursor: next }), NOW)).rejects.toMatchObject({ code: "invalid_cursor" });
    expect((await listUsers(admin, query({ sort: "email", dir: "asc", cursor: next }), NOW)).users).toHaveLength(25);
    // A well-formed position past the end: an empty page that links back to the first.
    const beyond = encodeCursor({ sort: "email", dir: "asc", direction: "after", key: "zzz", id: "00000000-0000-4000-8000-000000000000" });
    expect(await listUsers(admin, query({ sort: "email", dir: "asc", cursor: beyond }), NOW)).toEqual({ users: [], next: null, previous: "first" });
  });

  const BY_EMAIL: UserListQueryInput = { sort: "email", dir: "asc", size: "100" };
  it("reads the free text as an id, an address prefix, a phone prefix or a name prefix", async () => {
    const emails = async (input: UserListQueryInput) => (await listUsers(admin, query({ ...BY_EMAIL, ...input }), NOW)).users.map((u) => u.email);
    const all = seeded.map((u) => u.email).sort();
    const one = seeded.find((u) => u.email.startsWith("user042."))!;
    expect(await emails({ q: one.id.toUpperCase() })).toEqual([one.email]);
    expect(await emails({ q: "User042.Eu@" })).toEqual(["user042.eu@example.org"]);
    expect(await emails({ q: "user042.us@" })).toEqual([]);
    expect(await emails({ email: "USER12" })).toEqual(all.filter((e) => e.startsWith("user12")));
    expect(await emails({ q: "@" })).toEqual([]);
    expect(await emails({ q: "+44 79 0000 001" })).toEqual(["user010.us@example.org", "user015.eu@example.com"]);
    expect(await emails({ q: "44790000012" })).toEqual(["user120.eu@example.org", "user125.apac@example.com"]);
    // Name prefixes, case-insensitive, on the display name, the given name and the family name.
    const named = (prefix: string) => rowsSeeded.filter((r) => [r.displayName, r.givenName, r.familyName].some((n) => n?.toLowerCase().startsWith(prefix))).map((r) => r.email).sort();
    expect(await emails({ q: "MARIO ross" })).toEqual(named("mario ross"));
    expect(named("mario ross").length).toBeGreaterThan(3);
    expect(await emails({ q: "anne" })).toEqual(named("anne"));
    expect(await emails({ q: "zo" })).toEqual(named("zo"));
    expect(await emails({ q: "bened" })).toEqual(named("bened"));
    expect(named("bened")).toHaveLength(13);
    expect(await emails({ q: "Ölmez" })).toEqual(named("ölmez"));
    expect(await emails({ q: "Rossi" })).toEqual([]);
    // Pattern characters are text, not wildcards.
    expect(await emails({ q: "%" })).toEqual([]);
    expect(await emails({ q: "_" })).toEqual([]);
    expect(await emails({ email: "user%" })).toEqual([]);
  });

  it("filters by status, dates, and an attribute value", async () => {
    const ids = async (input: UserListQueryInput) => (await listUsers(admin, query({ size: "100", ...input }), NOW)).users;
    const locked = await ids({ status: "locked" });
    expect(locked.length).toBeGreaterThan(0);
    expect(locked.every((u) => u.statuses.includes("locked"))).toBe(true);
    const deleting = await ids({ status: "pending_deletion" });
    expect(deleting.map((u) => u.statuses[0])).toEqual(deleting.map(() => "pending_deletion"));
    expect((await ids({ status: "disabled" })).every((u) => u.statuses[0] === "disabled")).toBe(true);
    expect((await ids({ status: "unverified" })).every((u) => u.statuses.includes("unverified"))).toBe(true);
    expect((await ids({ status: "active" })).every((u) => u.statuses.length === 1 && u.statuses[0] === "active")).toBe(true);

    const created = await ids({ createdFrom: "2025-03-01", createdTo: "2025-03-01" });
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((u) => u.createdAt.toISOString() === "2025-03-01T00:00:00.000Z")).toBe(true);
    const signedIn = await ids({ signedInFrom: "2026-02-01", signedInTo: "2026-03-31" });
    expect(signedIn.every((u) => u.lastLoginAt && u.lastLoginAt >= new Date("2026-02-01") && u.lastLoginAt < new Date("2026-04-01"))).toBe(true);
    expect(signedIn.length).toBe(seeded.filter((u) => u.lastLoginAt && u.lastLoginAt.getUTCMonth() >= 1 && u.lastLoginAt.getUTCMonth() <= 2).length);

    expect(await ids({ attr: "region", value: "APAC" })).toHaveLength(43);
    // A number attribute matches the digits typed.
    expect(await ids({ attr: "tier", value: "3" })).toHaveLength(22);
    expect(await ids({ attr: "region", value: "apac" })).toHaveLength(0);
  });

  it("lists only the segments a scoped actor may read, and nothing to an actor without users:read", async () => {
    const page = await listUsers({ id: admin.id, roles: ["help_desk:region=EU"] }, query({ size: "100" }), NOW);
    expect(page.users).toHaveLength(44);
    expect(page.users.every((u) => u.email.includes(".eu@"))).toBe(true);
    const two = await listUsers({ id: admin.id, roles: ["help_desk:region=EU", "user_admin:region=US"] }, query({ size: "100" }), NOW);
    expect(two.users).toHaveLength(87);
    // The segment and the filter both apply.
    expect((await listUsers({ id: admin.id, roles: ["help_desk:region=EU"] }, query({ attr: "region", value: "US" }), NOW)).users).toEqual([]);
    await expect(listUsers({ id: admin.id, roles: ["app_admin:some-app"] }, query({}), NOW)).rejects.toMatchObject({ code: "forbidden", permission: "users:read" });
    await expect(listUsers({ id: admin.id, roles: [] }, query({}), NOW)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe(`the user list's three ways to read a page on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  // listUsers counts a narrowing filter's matches and then reads them from their index ("narrow")
  // or walks the sort's index ("walk"); with 130 customers it always narrows, so the other ways are run here directly.
  it("return the same rows for every filter, sort and position", async () => {
    const third = expectedOrder("email", "asc")[40]!;
    const email = seeded.find((u) => u.id === third)!.email;
    const found = new Map<string, number>();
    for (const input of [{ q: "user042.eu@" }, { email: "user04" }, { q: "mar" }, { q: "+4479" }, { email: "user1", status: "unverified" }, { attr: "region", value: "EU", q: "zo" }, { q: seeded[7]!.id }]) {
      for (const sort of ["createdAt", "lastLoginAt", "email"] as const) {
        for (const from of [undefined, { direction: "after" as const, key: email, id: third }, { direction: "before" as const, key: email, id: third }]) {
          if (from && sort !== "email") continue;
          const filter = filterOf(query({ ...input, sort }), [[...attributeCandidates("region", "EU"), ...attributeCandidates("region", "US")]]);
          const read = async (mode: "narrow" | "walk" | "plain") =>
            (await t.db().$queryRaw<UserListRow[]>(userListPageSql(filter, { sort, dir: "asc", from }, 26, NOW, mode))).map((u) => u.id);
          const plain = await read("plain");
          expect(await read("narrow"), JSON.stringify(input)).toEqual(plain);
          expect(await read("walk"), JSON.stringify(input)).toEqual(plain);
          if (!from) found.set(JSON.stringify(input), (found.get(JSON.stringify(input)) ?? 0) + plain.length);
        }
      }
    }
    // Not a vacuous comparison: most filters find someone (the id's customer may be outside the two segments).
    expect([...found.values()].filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
  });
});

describe("the user list's query schema", () => {
  it("rejects what the database must never see, and keeps the page size to 25, 50 or 100", () => {
    expect(userListQuerySchema.safeParse({ attr: "Region; DROP", value: "x" }).success).toBe(false);
    expect(userListQuerySchema.safeParse({ attr: "region" }).success).toBe(false);
    for (const day of ["2026-13-45", "2026-02-30", "9999-12-31", "0000-01-01", "2026-1-01", "2026-01-01T00:00"]) expect(userListQuerySchema.safeParse({ createdFrom: day }).success, day).toBe(false);
    expect(userListQuerySchema.safeParse({ createdFrom: "2024-02-29", signedInTo: "1999-12-31" }).success).toBe(true);
    expect(userListQuerySchema.safeParse({ q: "a\u0000b" }).success).toBe(false);
    expect(userListQuerySchema.safeParse({ createdFrom: "2026-02-01", createdTo: "2026-01-01" }).success).toBe(false);
    expect(userListQuerySchema.safeParse({ status: "sleeping" }).success).toBe(false);
    expect(userListQuerySchema.parse({ size: "37", sort: "password", dir: "sideways" })).toMatchObject({ size: 25, sort: "createdAt", dir: "desc" });
    expect(userListQuerySchema.parse({ size: "100", status: "" })).toMatchObject({ size: 100, status: undefined });
  });
});

describe("the narrowing cap", () => {
  it("grows with the square root of the customers, so the worst page reads about as many rows narrowing as walking", async () => {
    const capFor = async (users: number) => {
      const [row] = await t.db().$queryRaw<{ cap: number }[]>(Prisma.sql`SELECT ${narrowCapSql(Prisma.sql`${users}::float8`)} AS cap`);
      return Number(row!.cap);
    };
    expect(await capFor(-1)).toBe(500); // never analyzed
    expect(await capFor(10_000)).toBe(500);
    expect(await capFor(1_000_000)).toBe(3606);
    expect(await capFor(1e9)).toBe(10_000);
    // At the cap: narrowing reads 2·cap rows, a walk page·N/cap.
    const cap = await capFor(1_000_000);
    expect(Math.abs(2 * cap - (26 * 1_000_000) / cap)).toBeLessThan(10);
  });
});
