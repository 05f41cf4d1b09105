// The forgot-password and registration requests must do the same database work whether or not the
// address has an account: otherwise their response time tells (bench/enumeration.ts measures it).
// Proven here by what they write: the same tables, the same number of rows, for both kinds.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { snapshotDatabase, type DbSnapshot } from "@/test/db-snapshot";
import { hashPassword } from "@/lib/credentials";
import { createCaptchaChallenge } from "@/lib/captcha";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { listOutbox } from "@/lib/mail";
import { drainAccountJobs, registerUser, requestPasswordReset } from "./index";
import { registrationSchema } from "./users.schema";

const t = useTestDatabase();
const PASSWORD = "harbour-lantern-mosaic-77-kites";

/** Rows added per table (negative: removed) and the tables whose content changed at all. */
function writes(before: DbSnapshot, after: DbSnapshot) {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = names.filter((n) => before[n]?.sum !== after[n]?.sum);
  return { changed, rowsAdded: Object.fromEntries(changed.map((n) => [n, (after[n]?.rows ?? 0) - (before[n]?.rows ?? 0)])) };
}

async function writesOf(request: () => Promise<unknown>) {
  const before = await snapshotDatabase();
  await request();
  return writes(before, await snapshotDatabase());
}

async function solvedCaptcha(): Promise<string> {
  const challenge = await createCaptchaChallenge();
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

async function registration(email: string, ip: string) {
  const input = registrationSchema.parse({ email, password: PASSWORD, acceptTerms: "on" });
  return registerUser({ ...input, captcha: await solvedCaptcha() }, { ip, userAgent: "vitest" });
}

beforeAll(() => {
  resetLoginThrottleForTests();
  resetFixedWindowLimitsForTests();
});
beforeEach(async () => {
  await t.db().rateLimiterFlexible.deleteMany();
});

describe(`the same database work for an existing and an unknown address on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("forgot password", async () => {
    await t.db().user.create({ data: { email: "has-account@example.com", passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() } });
    const existing = await writesOf(() => requestPasswordReset("has-account@example.com", { ip: "192.0.2.10" }));
    const unknown = await writesOf(() => requestPasswordReset("no-account@example.com", { ip: "192.0.2.11" }));
    expect(existing.changed.length).toBeGreaterThan(0);
    expect(unknown).toEqual(existing);
    // Nothing in the request depends on the account: no token, no mail, no audit event yet.
    expect(existing.changed).not.toContain("UserToken");
    expect(existing.changed).not.toContain("MailMessage");

    // The worker does what depends on the account, after the response.
    expect(await drainAccountJobs()).toBe(2);
    expect((await listOutbox({ to: "has-account@example.com" })).map((m) => m.template)).toEqual(["reset-password"]);
    expect(await listOutbox({ to: "no-account@example.com" })).toHaveLength(0);
    expect(await t.db().accountJob.count()).toBe(0);
  });

  it("registration", async () => {
    await t.db().user.create({ data: { email: "registered@example.com", passwordHash: await hashPassword(PASSWORD) } });
    const existing = await writesOf(() => registration("registered@example.com", "192.0.2.20"));
    const unknown = await writesOf(() => registration("new-person@example.com", "192.0.2.21"));
    expect(existing.changed.length).toBeGreaterThan(0);
    expect(unknown).toEqual(existing);
    expect(existing.changed).not.toContain("User");
    expect(existing.changed).not.toContain("MailMessage");

    expect(await drainAccountJobs()).toBe(2);
    expect((await listOutbox({ to: "registered@example.com" })).map((m) => m.template)).toEqual(["already-registered"]);
    expect((await listOutbox({ to: "new-person@example.com" })).map((m) => m.template)).toEqual(["verify-email"]);
    expect(await t.db().user.count({ where: { email: { in: ["registered@example.com", "new-person@example.com"] } } })).toBe(2);
    // The password hash waited in the job row only until the worker ran.
    expect(await t.db().accountJob.count()).toBe(0);
  });

  it("two registrations for one new address make one account; the second mails its owner", async () => {
    await registration("twice@example.com", "192.0.2.30");
    await registration("twice@example.com", "192.0.2.31");
    // Two workers at once: one inserts the account, the other's insert fails and is retried.
    await Promise.all([drainAccountJobs(), drainAccountJobs()]);
    await t.db().accountJob.updateMany({ data: { nextAttemptAt: new Date(0) } });
    await drainAccountJobs();
    expect(await t.db().user.count({ where: { email: "twice@example.com" } })).toBe(1);
    expect((await listOutbox({ to: "twice@example.com" })).map((m) => m.template).sort()).toEqual(["already-registered", "verify-email"]);
    expect(await t.db().accountJob.count()).toBe(0);
  });
});
