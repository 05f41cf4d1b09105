import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { config } from "@/lib/config";
import { hashPassword } from "@/lib/credentials";
import { listAuditEvents } from "@/lib/audit";
import { listOutbox } from "@/lib/mail";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { createSession, validateSession } from "@/lib/sessions";
import { isTrustedDevice, trustDevice } from "@/lib/factors";
import { completePasswordReset } from "@/lib/sign-in";
import { authenticateWithPassword, drainAccountJobs, requestPasswordReset as queueResetRequest, resetPassword, UserError } from "./index";
import { issueUserToken } from "./user-tokens";

const t = useTestDatabase();
const ctx = { ip: "198.51.100.5", userAgent: "vitest" };
const OLD_PASSWORD = "amber-meadow-tractor-31-clouds";
const NEW_PASSWORD = "silver-canyon-whistle-58-ferns";

/** A reset request and the background work it queued (account-jobs.ts). */
async function requestPasswordReset(email: string, context: typeof ctx) {
  await queueResetRequest(email, context);
  await drainAccountJobs();
}

async function createUser(email: string) {
  return t.db().user.create({ data: { email, passwordHash: await hashPassword(OLD_PASSWORD), emailVerifiedAt: new Date() } });
}

async function userError(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => {
      throw new Error("expected a UserError, got success");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

function resetToken(text: string): string {
  const m = text.match(/https?:\/\/\S+\/reset-password\?token=([A-Za-z0-9_-]{43})/);
  if (!m) throw new Error(`no reset link in:\n${text}`);
  return m[1]!;
}

/** Requests a reset link for `email` and returns the token from the newest mail. */
async function requestLink(email: string): Promise<string> {
  await requestPasswordReset(email, ctx);
  const [mail] = await listOutbox({ to: email, take: 1 });
  expect(mail?.template).toBe("reset-password");
  return resetToken(mail!.text);
}

async function signIn(email: string, password: string) {
  return authenticateWithPassword({ email, password }, ctx);
}

beforeAll(() => {
  resetLoginThrottleForTests();
  resetFixedWindowLimitsForTests();
});
beforeEach(async () => {
  await t.db().rateLimiterFlexible.deleteMany();
});

describe(`password recovery on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("answers known and unknown emails identically and mails only the known one", async () => {
    const u = await createUser("known@example.com");
    const known = await requestPasswordReset("known@example.com", ctx);
    const unknown = await requestPasswordReset("unknown@example.com", ctx);
    expect(known).toBeUndefined();
    expect(unknown).toBeUndefined();

    expect((await listOutbox({ to: "known@example.com" })).map((m) => m.template)).toEqual(["reset-password"]);
    expect(await listOutbox({ to: "unknown@example.com" })).toHaveLength(0);
    expect(await t.db().userToken.count({ where: { userId: u.id, purpose: "reset_password" } })).toBe(1);

    const events = await listAuditEvents({ action: "password.reset_requested" });
    expect(events.map((e) => [e.targetId, e.result])).toEqual([
      ["unknown@example.com", "failure"],
      [u.id, "success"],
    ]);
  });

  it("silently stops mailing one address after a few requests, still answering the same way", async () => {
    await createUser("spammed@example.com");
    for (let i = 0; i < 5; i++) {
      await expect(requestPasswordReset("spammed@example.com", ctx)).resolves.toBeUndefined();
    }
    expect(await listOutbox({ to: "spammed@example.com" })).toHaveLength(3);
  });

  it("refuses a password that breaks the policy without spending the link", async () => {
    const u = await createUser("policy@example.com");
    const token = await requestLink("policy@example.com");
    for (const bad of ["short1!", "policy-policy-policy-1", "password12345678", "aaaaaaaaaaaaaaaaaaaa"]) {
      const err = await userError(resetPassword(token, bad, ctx));
      expect(err.code).toBe("password_policy");
      expect(err.details.field).toBe("password");
    }
    const row = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(await signIn("policy@example.com", OLD_PASSWORD)).toMatchObject({ id: u.id, passwordHash: row.passwordHash });
    expect(await listOutbox({ to: "policy@example.com" })).toHaveLength(1);

    await expect(resetPassword(token, NEW_PASSWORD, ctx)).resolves.toMatchObject({ userId: u.id });
  });

  it("sets the new password, revokes every session and trusted device, mails a notice, lifts a lock, and audits it", async () => {
    const u = await createUser("reset@example.com");
    const other = await createUser("bystander@example.com");
    const sessions = [await createSession(u.id, ctx), await createSession(u.id, { ip: "203.0.113.99" })];
    const otherSession = await createSession(other.id, ctx);
    for (const s of sessions) expect(await validateSession(s.token)).not.toBeNull();
    // Lock the account the real way: LOGIN_LOCK_AFTER failures, each progressive wait run out.
    for (let i = 0; i < config().LOGIN_LOCK_AFTER; i++) {
      await t.db().rateLimiterFlexible.updateMany({ where: { key: { contains: ":login-wait:" } }, data: { expire: new Date(Date.now() - 1000) } });
      await userError(signIn("reset@example.com", "wrong-password-attempt-00"));
    }
    expect((await userError(signIn("reset@example.com", OLD_PASSWORD))).code).toBe("locked");
    expect((await t.db().user.findUniqueOrThrow({ where: { id: u.id } })).lockedUntil).not.toBeNull();

    const trusted = await trustDevice(u.id, ctx);
    expect(await isTrustedDevice(u.id, trusted.token)).toBe(true);

    const token = await requestLink("reset@example.com");
    const before = Date.now();
    // Through lib/sign-in, which signs the account out everywhere after the reset.
    await expect(completePasswordReset(token, NEW_PASSWORD, {}, ctx)).resolves.toMatchObject({ userId: u.id });
    // A browser trusted for the second step asks for it again.
    expect(await isTrustedDevice(u.id, trusted.token)).toBe(false);

    for (const s of sessions) expect(await validateSession(s.token)).toBeNull();
    const rows = await t.db().session.findMany({ where: { userId: u.id } });
    expect(rows.map((r) => r.revokedReason)).toEqual(["password_reset", "password_reset"]);
    expect(await validateSession(otherSession.token)).toMatchObject({ user: { id: other.id } });

    const row = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.lockedUntil).toBeNull();
    expect(row.passwordChangedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    expect((await userError(signIn("reset@example.com", OLD_PASSWORD))).code).toBe("invalid_credentials");
    expect((await signIn("reset@example.com", NEW_PASSWORD)).id).toBe(u.id);

    const mails = await listOutbox({ to: "reset@example.com" });
    expect(mails.map((m) => m.template)).toEqual(["password-changed", "reset-password", "account-locked"]);
    expect(mails[0]!.text).not.toContain(token);

    const reset = await listAuditEvents({ action: "password.reset", targetId: u.id });
    expect(reset).toHaveLength(1);
    expect(reset[0]!.details).toEqual({ methodsRemoved: 0 });
    const signedOut = await listAuditEvents({ action: "user.signed_out_everywhere", targetId: u.id });
    expect(signedOut.map((e) => e.details)).toEqual([{ reason: "password_reset", sessionsRevoked: 2, trustedDevicesForgotten: 1, applicationsNotified: 0, grantsRevoked: 0 }]);
    expect(await listAuditEvents({ action: "user.unlocked", targetId: u.id })).toHaveLength(1);
  });

  it("refuses a second use of a reset link", async () => {
    const u = await createUser("reuse@example.com");
    const token = await requestLink("reuse@example.com");
    await resetPassword(token, NEW_PASSWORD, ctx);
    const err = await userError(resetPassword(token, "another-fine-passphrase-2024", ctx));
    expect(err.code).toBe("invalid_token");
    expect((await signIn("reuse@example.com", NEW_PASSWORD)).id).toBe(u.id);
    expect(await listAuditEvents({ action: "password.reset", targetId: u.id })).toHaveLength(1);
  });

  it("refuses an expired link", async () => {
    const u = await createUser("expired@example.com");
    const token = await requestLink("expired@example.com");
    await t.db().userToken.updateMany({ where: { userId: u.id, purpose: "reset_password" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await userError(resetPassword(token, NEW_PASSWORD, ctx))).code).toBe("invalid_token");
    expect((await signIn("expired@example.com", OLD_PASSWORD)).id).toBe(u.id);
  });

  it("refuses a tampered link, an older superseded link and a token of another purpose", async () => {
    const u = await createUser("tamper@example.com");
    const older = await requestLink("tamper@example.com");
    const token = await requestLink("tamper@example.com");
    expect(token).not.toBe(older);

    for (const i of [0, 20, 42]) {
      const tampered = token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
      expect((await userError(resetPassword(tampered, NEW_PASSWORD, ctx))).code).toBe("invalid_token");
    }
    expect((await userError(resetPassword(older, NEW_PASSWORD, ctx))).code).toBe("invalid_token");
    expect((await userError(resetPassword("", NEW_PASSWORD, ctx))).code).toBe("invalid_token");

    const verify = await issueUserToken(u.id, "verify_email", { email: u.email! });
    expect((await userError(resetPassword(verify, NEW_PASSWORD, ctx))).code).toBe("invalid_token");
    expect((await signIn("tamper@example.com", OLD_PASSWORD)).id).toBe(u.id);

    // The genuine, newest link still works after all of that.
    await expect(resetPassword(token, NEW_PASSWORD, ctx)).resolves.toMatchObject({ userId: u.id });
  });

  it("sends nothing to a disabled account", async () => {
    const u = await createUser("disabled@example.com");
    await t.db().user.update({ where: { id: u.id }, data: { disabledAt: new Date() } });
    await expect(requestPasswordReset("disabled@example.com", ctx)).resolves.toBeUndefined();
    expect(await listOutbox({ to: "disabled@example.com" })).toHaveLength(0);
  });
});
