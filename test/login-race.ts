// Concurrent sign-in attempts against the throttle, shared by the database-store run
// (lib/users/login-race.test.ts) and the Redis-store run (lib/users/redis-login-race.test.ts).
// The calling file fixes the thresholds (LOGIN_DELAY_AFTER = LOGIN_LOCK_AFTER = 10, so the lock is
// the only limit before the tenth failure; LOGIN_IP_MAX_FAILURES = 12) and counts every argon2
// verification by wrapping @node-rs/argon2's verify.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { hashPassword } from "@/lib/credentials";
import { listAuditEvents } from "@/lib/audit";
import { listOutbox } from "@/lib/mail";
import { authenticateWithPassword, UserError } from "@/lib/users";

export const RACE_ENV = { LOGIN_DELAY_AFTER: "10", LOGIN_LOCK_AFTER: "10", LOGIN_IP_MAX_FAILURES: "12" };
const PASSWORD = "tall-ships-sail-at-dawn-31";
const BURST = 50;

/** Runs every attempt at once and returns the error code of each (all are expected to fail). */
async function burst(attempts: { email: string; password: string; ip: string }[]): Promise<string[]> {
  const results = await Promise.allSettled(attempts.map((a) => authenticateWithPassword({ email: a.email, password: a.password }, { ip: a.ip, userAgent: "vitest" })));
  return results.map((r) => {
    if (r.status === "fulfilled") return "signed_in";
    expect(r.reason).toBeInstanceOf(UserError);
    return (r.reason as UserError).code;
  });
}

const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;
const suffix = () => crypto.randomBytes(4).toString("hex");

export function describeLoginRace(store: string, db: () => Db, verifications: () => number) {
  describe(`concurrent wrong passwords on the ${store} store`, () => {
    it(`${BURST} at once against one account make at most LOGIN_LOCK_AFTER password verifications, then lock it once`, async () => {
      const email = `race-${suffix()}@example.com`;
      const user = await db().user.create({ data: { email, passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() } });
      // From as many addresses as attempts (a botnet): only the account's counter can stop them.
      const attempts = Array.from({ length: BURST }, (_, i) => ({ email, password: `wrong-guess-number-${i}`, ip: `198.51.100.${i + 1}` }));

      const before = verifications();
      const codes = await burst(attempts);
      expect(verifications() - before).toBe(10);
      expect(count(codes, "invalid_credentials")).toBe(10);
      expect(count(codes, "locked") + count(codes, "throttled")).toBe(BURST - 10);
      // Each failure is counted once, in order: the refused attempts added nothing to the count.
      const failed = await listAuditEvents({ action: "login.failed", targetId: user.id });
      expect(failed.map((e) => (e.details as { failures: number }).failures).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).lockedUntil).toBeInstanceOf(Date);
      expect((await listOutbox({ to: email })).map((m) => m.template)).toEqual(["account-locked"]);

      // While locked, another burst (the right password included) verifies nothing at all.
      const again = await burst([...attempts.slice(0, 19), { email, password: PASSWORD, ip: "198.51.100.200" }]);
      expect(verifications() - before).toBe(10);
      expect(new Set(again)).toEqual(new Set(["locked"]));
    });

    it(`${BURST} at once from one address make at most LOGIN_IP_MAX_FAILURES password verifications`, async () => {
      const ip = `203.0.113.${1 + crypto.randomInt(250)}`;
      // A different account each time (credential stuffing): only the address's counter can stop them.
      const attempts = await Promise.all(
        Array.from({ length: BURST }, async (_, i) => {
          const email = `stuffed-${i}-${suffix()}@example.com`;
          if (i % 2 === 0) await db().user.create({ data: { email, passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() } });
          return { email, password: `leaked-password-${i}`, ip };
        }),
      );

      const before = verifications();
      const codes = await burst(attempts);
      expect(verifications() - before).toBe(12);
      expect(count(codes, "invalid_credentials")).toBe(12);
      expect(count(codes, "throttled")).toBe(BURST - 12);

      // The address stays refused, even for an account's right password, and verifies nothing.
      const owner = attempts[0]!;
      expect(await burst([{ ...owner, password: PASSWORD }])).toEqual(["throttled"]);
      expect(verifications() - before).toBe(12);
    });
  });
}
