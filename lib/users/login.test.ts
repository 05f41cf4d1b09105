import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// config() reads the environment once, at its first call: fix the thresholds before anything runs.
const argon = vi.hoisted(() => {
  process.env.LOGIN_DELAY_AFTER = "3";
  process.env.LOGIN_LOCK_AFTER = "5";
  process.env.LOGIN_LOCK_MINUTES = "15";
  return { verified: [] as string[] };
});

// The real argon2, with a record of the hashes each verification ran against.
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  return {
    ...real,
    verify: (hashed: string, password: string) => {
      argon.verified.push(hashed);
      return real.verify(hashed, password);
    },
  };
});

import { useTestDatabase, usingPostgres } from "@/test/db";
import { config } from "@/lib/config";
import { hashPassword } from "@/lib/credentials";
import { listAuditEvents } from "@/lib/audit";
import { listOutbox } from "@/lib/mail";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { authenticateWithPassword, unlockWithToken, UserError, INVALID_CREDENTIALS_MESSAGE } from "./index";
import { issueUserToken } from "./user-tokens";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.10", userAgent: "vitest" };
const PASSWORD = "quiet-harbor-lights-77-kites";

async function createUser(email: string, password = PASSWORD) {
  return t.db().user.create({ data: { email, passwordHash: await hashPassword(password), emailVerifiedAt: new Date() } });
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => {
      throw new Error("expected a UserError, the sign-in succeeded");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

/** Lets the current progressive wait (or lock) run out, as if its time had passed. */
async function expireWaits() {
  await t.db().rateLimiterFlexible.updateMany({
    where: { key: { contains: ":login-wait:" } },
    data: { expire: new Date(Date.now() - 1000) },
  });
}

/** Fails `n` times with a wrong password, waiting out each progressive delay in between. */
async function failTimes(email: string, n: number) {
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    await expireWaits();
    codes.push((await failure(authenticateWithPassword({ email, password: "not-the-password-at-all-0" }, ctx))).code);
  }
  return codes;
}

function unlockToken(text: string): string {
  const m = text.match(/https?:\/\/\S+\/unlock\?token=([A-Za-z0-9_-]{43})/);
  if (!m) throw new Error(`no unlock link in:\n${text}`);
  return m[1]!;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

beforeAll(() => {
  resetLoginThrottleForTests();
  resetFixedWindowLimitsForTests();
});
beforeEach(async () => {
  await t.db().rateLimiterFlexible.deleteMany();
});

describe(`password sign-in on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("uses the thresholds set for this file", () => {
    expect(config()).toMatchObject({ LOGIN_DELAY_AFTER: 3, LOGIN_LOCK_AFTER: 5, LOGIN_LOCK_MINUTES: 15 });
  });

  it("signs in with the right password, records the login and audits it", async () => {
    const u = await createUser("alice@example.com");
    const got = await authenticateWithPassword({ email: "alice@example.com", password: PASSWORD }, ctx);
    expect(got.id).toBe(u.id);
    const row = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.lastLoginAt).toBeInstanceOf(Date);
    const ev = await listAuditEvents({ action: "login.succeeded", targetId: u.id });
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ actorId: u.id, result: "success", ip: ctx.ip });
  });

  it("gives the same error for a wrong password, an unknown email and a disabled account", async () => {
    await createUser("bob@example.com");
    await createUser("disabled@example.com").then((u) => t.db().user.update({ where: { id: u.id }, data: { disabledAt: new Date() } }));
    const wrong = await failure(authenticateWithPassword({ email: "bob@example.com", password: "wrong-password-entirely-1" }, ctx));
    const unknown = await failure(authenticateWithPassword({ email: "nobody@example.com", password: PASSWORD }, ctx));
    const disabled = await failure(authenticateWithPassword({ email: "disabled@example.com", password: PASSWORD }, ctx));
    for (const e of [wrong, unknown, disabled]) {
      expect(e.code).toBe("invalid_credentials");
      expect(e.message).toBe(INVALID_CREDENTIALS_MESSAGE);
      expect(e.details).toEqual({});
    }
    const failed = await listAuditEvents({ action: "login.failed" });
    expect(failed.map((e) => (e.details as { reason: string }).reason).sort()).toEqual(["disabled", "unknown_email", "wrong_password"]);
  });

  it("does the same argon2 work for unknown emails as for wrong passwords", async () => {
    const u = await createUser("work@example.com");
    argon.verified.length = 0;
    await failure(authenticateWithPassword({ email: "work@example.com", password: "some-wrong-password-xyz" }, ctx));
    expect(argon.verified).toEqual([u.passwordHash]);

    argon.verified.length = 0;
    await failure(authenticateWithPassword({ email: "ghost@example.com", password: "some-wrong-password-xyz" }, ctx));
    expect(argon.verified).toHaveLength(1);
    // Same algorithm and cost parameters as a stored hash, so the same work.
    const params = (h: string) => h.split("$").slice(1, 4).join("$");
    expect(params(argon.verified[0]!)).toBe(params(u.passwordHash!));
    expect(params(u.passwordHash!)).toBe("argon2id$v=19$m=19456,t=2,p=1");
  });

  it("spends comparable time on unknown emails and wrong passwords", async () => {
    await createUser("timing@example.com");
    const attempt = async (email: string) => {
      await t.db().rateLimiterFlexible.deleteMany();
      const start = performance.now();
      await failure(authenticateWithPassword({ email, password: "some-wrong-password-xyz" }, ctx));
      return performance.now() - start;
    };
    // Warm up both paths (the dummy hash for unknown emails is made on first use).
    await attempt("timing@example.com");
    await attempt("ghost-0@example.com");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 1; i <= 7; i++) {
      known.push(await attempt("timing@example.com"));
      unknown.push(await attempt(`ghost-${i}@example.com`));
    }
    // Loose on purpose (shared CI machines): the exact check is the argon2 record above.
    expect(median(unknown)).toBeGreaterThanOrEqual(0.5 * median(known));
  });

  it("delays the attempt after LOGIN_DELAY_AFTER failures, even with the right password, then lets it through", async () => {
    const u = await createUser("carol@example.com");
    expect(await failTimes("carol@example.com", 3)).toEqual(["invalid_credentials", "invalid_credentials", "invalid_credentials"]);

    const throttled = await failure(authenticateWithPassword({ email: "carol@example.com", password: PASSWORD }, ctx));
    expect(throttled.code).toBe("throttled");
    expect(throttled.details.retryAfterSeconds).toBeGreaterThan(0);
    // The refused attempt was not checked against the password, so it did not count as a failure.
    const failures = await listAuditEvents({ action: "login.failed", targetId: u.id });
    expect(failures).toHaveLength(3);
    expect(await listAuditEvents({ action: "login.throttled", targetId: "carol@example.com" })).toHaveLength(1);

    await expireWaits();
    expect((await authenticateWithPassword({ email: "carol@example.com", password: PASSWORD }, ctx)).id).toBe(u.id);
    // Success cleared the counters: three more failures are needed before the next delay.
    expect(await failTimes("carol@example.com", 2)).toEqual(["invalid_credentials", "invalid_credentials"]);
    await expect(authenticateWithPassword({ email: "carol@example.com", password: PASSWORD }, ctx)).resolves.toMatchObject({ id: u.id });
  });

  it("lets a burst of concurrent wrong passwords verify only as many as the progressive delay allows", async () => {
    const u = await createUser("burst@example.com");
    argon.verified.length = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => authenticateWithPassword({ email: "burst@example.com", password: `burst-guess-${i}-wrong` }, { ip: `198.51.100.${i + 1}` })),
    );
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as UserError).code : "signed_in"));
    // The first LOGIN_DELAY_AFTER (3) guesses are checked; every other one meets the wait the third starts.
    expect(argon.verified).toHaveLength(3);
    expect(codes.filter((c) => c === "invalid_credentials")).toHaveLength(3);
    expect(codes.filter((c) => c === "throttled")).toHaveLength(17);
    expect(await listAuditEvents({ action: "login.failed", targetId: u.id })).toHaveLength(3);
    // The refused guesses did not count: the wait is the one after the third failure.
    const next = await failure(authenticateWithPassword({ email: "burst@example.com", password: PASSWORD }, ctx));
    expect(next).toMatchObject({ code: "throttled", details: { retryAfterSeconds: 1 } });
  });

  it("doubles the wait with each further failure", async () => {
    await createUser("doubling@example.com");
    await failTimes("doubling@example.com", 3);
    const first = await failure(authenticateWithPassword({ email: "doubling@example.com", password: PASSWORD }, ctx));
    await failTimes("doubling@example.com", 1);
    const second = await failure(authenticateWithPassword({ email: "doubling@example.com", password: PASSWORD }, ctx));
    expect([first.code, second.code]).toEqual(["throttled", "throttled"]);
    expect(first.details.retryAfterSeconds).toBe(1);
    expect(second.details.retryAfterSeconds).toBe(2);
  });

  it("locks the account after LOGIN_LOCK_AFTER failures, mails an unlock link and audits the lock", async () => {
    const u = await createUser("dave@example.com");
    await failTimes("dave@example.com", 5);

    const locked = await failure(authenticateWithPassword({ email: "dave@example.com", password: PASSWORD }, ctx));
    expect(locked.code).toBe("locked");
    expect(locked.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(locked.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);

    const row = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.lockedUntil).toBeInstanceOf(Date);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    const mails = await listOutbox({ to: "dave@example.com" });
    expect(mails.map((m) => m.template)).toEqual(["account-locked"]);
    expect(unlockToken(mails[0]!.text)).toHaveLength(43);
    const lockEvents = await listAuditEvents({ action: "user.locked", targetId: u.id });
    expect(lockEvents).toHaveLength(1);
    expect(lockEvents[0]).toMatchObject({ result: "success", ip: ctx.ip });

    // More attempts while locked neither count nor send more mail.
    await failure(authenticateWithPassword({ email: "dave@example.com", password: "still-wrong-password-1" }, ctx));
    expect(await listOutbox({ to: "dave@example.com" })).toHaveLength(1);
    expect(await listAuditEvents({ action: "login.failed", targetId: u.id })).toHaveLength(5);
  });

  it("answers an unknown email with the same lock after the same number of failures", async () => {
    await createUser("erin@example.com");
    // One after the other: failTimes lets every running wait expire, this lock included.
    const known = await failTimes("erin@example.com", 5);
    const a = await failure(authenticateWithPassword({ email: "erin@example.com", password: "whatever-password-123" }, ctx));
    const unknown = await failTimes("nobody-here@example.com", 5);
    const b = await failure(authenticateWithPassword({ email: "nobody-here@example.com", password: "whatever-password-123" }, ctx));
    expect(unknown).toEqual(known);
    expect(b.code).toBe("locked");
    expect({ code: b.code, message: b.message }).toEqual({ code: a.code, message: a.message });
    expect(Math.abs(a.details.retryAfterSeconds! - b.details.retryAfterSeconds!)).toBeLessThanOrEqual(2);
    // Nothing is mailed for an address without an account.
    expect(await listOutbox({ to: "nobody-here@example.com" })).toHaveLength(0);
  });

  it("keys the throttle by the normalised email", async () => {
    await createUser("frank@example.com");
    await failTimes("Frank@Example.com", 3);
    const e = await failure(authenticateWithPassword({ email: " frank@example.com ", password: PASSWORD }, ctx));
    expect(e.code).toBe("throttled");
  });

  it("unlocks with the mailed link (once), after which the right password works", async () => {
    const u = await createUser("gina@example.com");
    await failTimes("gina@example.com", 5);
    const [mail] = await listOutbox({ to: "gina@example.com" });
    const token = unlockToken(mail!.text);

    await unlockWithToken(token, ctx);
    const row = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.lockedUntil).toBeNull();
    expect(await listAuditEvents({ action: "user.unlocked", targetId: u.id })).toHaveLength(1);
    expect((await authenticateWithPassword({ email: "gina@example.com", password: PASSWORD }, ctx)).id).toBe(u.id);

    const reused = await failure(unlockWithToken(token, ctx));
    expect(reused.code).toBe("invalid_token");
    expect(await listAuditEvents({ action: "user.unlocked", targetId: u.id })).toHaveLength(1);
  });

  it("refuses an expired or tampered unlock link and keeps the lock", async () => {
    const u = await createUser("hank@example.com");
    await failTimes("hank@example.com", 5);
    const [mail] = await listOutbox({ to: "hank@example.com" });
    const token = unlockToken(mail!.text);

    const tampered = token.slice(0, 10) + (token[10] === "A" ? "B" : "A") + token.slice(11);
    expect((await failure(unlockWithToken(tampered, ctx))).code).toBe("invalid_token");

    await t.db().userToken.updateMany({ where: { userId: u.id, purpose: "unlock" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await failure(unlockWithToken(token, ctx))).code).toBe("invalid_token");
    expect((await failure(authenticateWithPassword({ email: "hank@example.com", password: PASSWORD }, ctx))).code).toBe("locked");

    // A token issued a day ago has expired on its own.
    const old = await issueUserToken(u.id, "unlock", { now: new Date(Date.now() - 25 * 3600_000) });
    expect((await failure(unlockWithToken(old, ctx))).code).toBe("invalid_token");
    // A token for another purpose does not unlock.
    const reset = await issueUserToken(u.id, "reset_password");
    expect((await failure(unlockWithToken(reset, ctx))).code).toBe("invalid_token");
    expect(await listAuditEvents({ action: "user.unlocked", targetId: u.id })).toHaveLength(0);
  });

  it("locks, mails and audits again when failures continue after a lock ran out", async () => {
    const u = await createUser("ivan@example.com");
    await failTimes("ivan@example.com", 5);
    expect(await listAuditEvents({ action: "user.locked", targetId: u.id })).toHaveLength(1);

    // The lock runs out; the next failure locks the account again.
    const codes = await failTimes("ivan@example.com", 1);
    expect(codes).toEqual(["invalid_credentials"]);
    const again = await failure(authenticateWithPassword({ email: "ivan@example.com", password: PASSWORD }, ctx));
    expect(again.code).toBe("locked");

    expect(await listAuditEvents({ action: "user.locked", targetId: u.id })).toHaveLength(2);
    const mails = await listOutbox({ to: "ivan@example.com" });
    expect(mails.map((m) => m.template)).toEqual(["account-locked", "account-locked"]);
    const row = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    // Only the newest link works.
    await expect(unlockWithToken(unlockToken(mails[1]!.text), ctx)).rejects.toMatchObject({ code: "invalid_token" });
    await unlockWithToken(unlockToken(mails[0]!.text), ctx);
    expect((await authenticateWithPassword({ email: "ivan@example.com", password: PASSWORD }, ctx)).id).toBe(u.id);
  });
});
