// Recovery evicts an intruder. A password reset and "this wasn't me"
// remove the sign-in methods added recently (or all of them, when the owner asks), and an account
// whose address was never verified can neither enrol a factor nor sign in with a passkey (the
// pre-account hijack: register the victim's address, add a passkey, wait for the victim to reset).
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { SoftAuthenticator } from "@/test/soft-authenticator";
import { hashPassword } from "@/lib/credentials";
import { listOutbox } from "@/lib/mail";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  currentTotp,
  MfaError,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  registerPasskey,
  relyingParty,
  type MfaUser,
} from "@/lib/factors";
import { authenticateWithPassword, authenticateWithPasskey, previewRecovery, reportNotMe, resetPassword, UserError } from "./index";
import { issueUserToken } from "./user-tokens";
import { RECENT_METHOD_DAYS } from "./factor-review";

const t = useTestDatabase();
const ctx = { ip: "198.51.100.9", userAgent: "vitest" };
const PASSWORD = "amber-meadow-tractor-31-clouds";
const NEW_PASSWORD = "silver-canyon-whistle-58-ferns";
const DAY = 24 * 3600_000;
let n = 0;

async function createUser(opts: { verifiedDaysAgo: number | null }) {
  const u = await t.db().user.create({
    data: {
      email: `owner-${++n}-${Date.now()}@example.com`,
      passwordHash: await hashPassword(PASSWORD),
      emailVerifiedAt: opts.verifiedDaysAgo === null ? null : new Date(Date.now() - opts.verifiedDaysAgo * DAY),
    },
  });
  return { id: u.id, email: u.email! } satisfies MfaUser;
}

/** The recovery codes the last first factor issued (shown once to the owner). */
let issuedRecoveryCodes: string[] = [];

async function addTotp(user: MfaUser, daysAgo = 0) {
  const e = await beginTotpEnrolment(user);
  const { recoveryCodes } = await confirmTotpEnrolment(user, e.factorId, await currentTotp(e.secret, Math.floor(Date.now() / 1000)), ctx);
  if (recoveryCodes) issuedRecoveryCodes = recoveryCodes;
  if (daysAgo) {
    await backdate(e.factorId, daysAgo);
    await t.db().recoveryCode.updateMany({ where: { userId: user.id }, data: { createdAt: new Date(Date.now() - daysAgo * DAY) } });
  }
  return e.factorId;
}

function authenticator() {
  const rp = relyingParty();
  return new SoftAuthenticator(rp.id, rp.origin);
}

async function addPasskey(user: MfaUser, label: string, device = authenticator()) {
  await registerPasskey(user, device.register(await passkeyRegistrationOptions(user)), label, ctx);
  return (await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id, credentialId: device.id } })).id;
}

async function backdate(factorId: string, daysAgo: number) {
  await t.db().mfaFactor.update({ where: { id: factorId }, data: { createdAt: new Date(Date.now() - daysAgo * DAY) } });
}

async function thrown<E>(p: Promise<unknown>, type: new (...a: never[]) => E): Promise<E> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(type);
  return e as E;
}

const factorIds = async (userId: string) => (await t.db().mfaFactor.findMany({ where: { userId }, orderBy: { createdAt: "asc" } })).map((f) => f.id);

beforeEach(async () => {
  resetFixedWindowLimitsForTests();
  resetLoginThrottleForTests();
  await t.db().rateLimiterFlexible.deleteMany();
});

describe("pre-account hijack", () => {
  it("an unverified account cannot enrol a factor or sign in with a passkey; the real owner's reset removes what was added", async () => {
    // The attacker registers the victim's address (never verified: the link went to the victim).
    const squatted = await createUser({ verifiedDaysAgo: null });
    const refused = await thrown(beginTotpEnrolment(squatted), MfaError);
    expect(refused.code).toBe("email_unverified");
    expect(refused.message).toMatch(/verify your email address first/i);
    expect((await thrown(passkeyRegistrationOptions(squatted), MfaError)).code).toBe("email_unverified");

    // A passkey that got in anyway (enrolled before this fix) does not sign in while unverified.
    await t.db().user.update({ where: { id: squatted.id }, data: { emailVerifiedAt: new Date() } });
    const device = authenticator();
    const passkey = await addPasskey(squatted, "Attacker's key", device);
    await t.db().user.update({ where: { id: squatted.id }, data: { emailVerifiedAt: null } });
    await backdate(passkey, 1);
    const options = await passkeyAuthenticationOptions("sign-in", null, ctx);
    const signIn = await thrown(authenticateWithPasskey(device.assert(options.challenge), ctx), UserError);
    expect(signIn.code).toBe("email_unverified");
    expect(signIn.message).toMatch(/verify your email address first/i);
    expect(await t.db().auditEvent.count({ where: { action: "login.failed", targetId: squatted.id } })).toBe(1);

    // The victim uses "forgot password": the link proves the mailbox, the passkey goes, the address is verified.
    const token = await issueUserToken(squatted.id, "reset_password");
    expect((await previewRecovery(token))!.recent.map((m) => m.label)).toEqual(["Passkey “Attacker's key”", "Recovery codes"]);
    const done = await resetPassword(token, NEW_PASSWORD, ctx);
    expect(done.methodsRemoved).toEqual(["Passkey “Attacker's key”", "Recovery codes"]);
    expect(await factorIds(squatted.id)).toEqual([]);
    expect(await t.db().recoveryCode.count({ where: { userId: squatted.id } })).toBe(0);
    const row = await t.db().user.findUniqueOrThrow({ where: { id: squatted.id } });
    expect(row.emailVerifiedAt).not.toBeNull();
    expect((await thrown(authenticateWithPassword({ email: squatted.email!, password: PASSWORD }, ctx), UserError)).code).toBe("invalid_credentials");
  });
});

describe("password reset", () => {
  it("removes the factors an intruder added recently, keeps the owner's older ones, audits and mails each removal", async () => {
    const owner = await createUser({ verifiedDaysAgo: 200 });
    const ownTotp = await addTotp(owner, 90);
    const intruders = await addPasskey(owner, "Intruder");

    const token = await issueUserToken(owner.id, "reset_password");
    const preview = (await previewRecovery(token))!;
    expect(preview.recent.map((m) => m.label)).toEqual(["Passkey “Intruder”"]);
    expect(preview.others.map((m) => m.label)).toEqual(["Authenticator app", "Recovery codes"]);
    expect(preview.recentSince.getTime()).toBeGreaterThanOrEqual(Date.now() - RECENT_METHOD_DAYS * DAY - 60_000);

    const done = await resetPassword(token, NEW_PASSWORD, ctx);
    expect(done.methodsRemoved).toEqual(["Passkey “Intruder”"]);
    expect(await factorIds(owner.id)).toEqual([ownTotp]);
    expect(await t.db().recoveryCode.count({ where: { userId: owner.id, usedAt: null } })).toBe(10);

    const audit = await t.db().auditEvent.findMany({ where: { action: "mfa.factor_removed", targetId: owner.id } });
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ factorId: intruders, type: "passkey", reason: "password_reset" })]);
    expect((await t.db().auditEvent.findFirstOrThrow({ where: { action: "password.reset", targetId: owner.id } })).details).toMatchObject({ methodsRemoved: 1 });
    const notice = (await listOutbox({ to: owner.email! })).find((m) => m.template === "sign-in-method-changed" && m.subject.includes("removed"));
    expect(notice?.text).toContain("Passkey “Intruder”");
  });

  it("removes every sign-in method, recovery codes included, when the owner ticks 'also remove all' and proves it with a recovery code", async () => {
    const owner = await createUser({ verifiedDaysAgo: 200 });
    await addTotp(owner, 90);
    await addPasskey(owner, "Intruder");
    const token = await issueUserToken(owner.id, "reset_password");
    const done = await resetPassword(token, NEW_PASSWORD, ctx, { removeAllMethods: true, recoveryCode: issuedRecoveryCodes[3]!.toUpperCase() });
    expect(done.methodsRemoved.sort()).toEqual(["Authenticator app", "Passkey “Intruder”", "Recovery codes"]);
    expect(await factorIds(owner.id)).toEqual([]);
    expect(await t.db().recoveryCode.count({ where: { userId: owner.id } })).toBe(0);
    expect(await t.db().auditEvent.count({ where: { action: "mfa.factor_removed", targetId: owner.id } })).toBe(2);
    expect((await listOutbox({ to: owner.email! })).some((m) => m.template === "two-step-changed" && m.subject.includes("turned off"))).toBe(true);
  });

  it("does not let the mailbox alone strip long-standing methods: 'remove all' without a valid recovery code changes nothing", async () => {
    // Someone who took over the mailbox can reset the password; if the reset could also remove an
    // old passkey or authenticator app, the emailed code would then open the account.
    const owner = await createUser({ verifiedDaysAgo: 200 });
    const ownTotp = await addTotp(owner, 90);
    const token = await issueUserToken(owner.id, "reset_password");
    for (const recoveryCode of [undefined, "", "abcde-fghjk", "not a code"]) {
      const err = await resetPassword(token, NEW_PASSWORD, ctx, { removeAllMethods: true, recoveryCode }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).details.field).toBe("recoveryCode");
    }
    expect(await factorIds(owner.id)).toEqual([ownTotp]);
    expect(await t.db().recoveryCode.count({ where: { userId: owner.id, usedAt: null } })).toBe(10);
    // The link was not spent: the owner can still reset, keeping the methods.
    const done = await resetPassword(token, NEW_PASSWORD, ctx);
    expect(done.methodsRemoved).toEqual([]);
    expect(await factorIds(owner.id)).toEqual([ownTotp]);
  });

  it("limits and audits recovery-code guesses at a reset: after 5 wrong codes even the right one waits", async () => {
    const owner = await createUser({ verifiedDaysAgo: 200 });
    const ownTotp = await addTotp(owner, 90);
    const token = await issueUserToken(owner.id, "reset_password");
    for (let i = 0; i < 5; i++) {
      const err = await resetPassword(token, NEW_PASSWORD, ctx, { removeAllMethods: true, recoveryCode: "abcde-fghjk" }).catch((e: unknown) => e);
      expect((err as UserError).code).toBe("invalid_recovery_code");
    }
    const limited = await resetPassword(token, NEW_PASSWORD, ctx, { removeAllMethods: true, recoveryCode: issuedRecoveryCodes[0] }).catch((e: unknown) => e);
    expect((limited as UserError).code).toBe("rate_limited");
    expect((limited as UserError).details.field).toBe("recoveryCode");
    expect(await factorIds(owner.id)).toEqual([ownTotp]);
    expect(await t.db().recoveryCode.count({ where: { userId: owner.id, usedAt: null } })).toBe(10);
    const failures = await t.db().auditEvent.findMany({ where: { action: "password.reset", targetId: owner.id, result: "failure" } });
    expect(failures.map((a) => (a.details as { reason: string }).reason)).toEqual([...Array(5).fill("invalid_recovery_code"), "recovery_code_rate_limited"]);
  });

  it("needs no recovery code when 'remove all' removes nothing older than the recent ones", async () => {
    const owner = await createUser({ verifiedDaysAgo: 200 });
    await addPasskey(owner, "Intruder");
    const token = await issueUserToken(owner.id, "reset_password");
    const done = await resetPassword(token, NEW_PASSWORD, ctx, { removeAllMethods: true });
    expect(done.methodsRemoved.sort()).toEqual(["Passkey “Intruder”", "Recovery codes"]);
  });
});

describe("this wasn't me", () => {
  it("removes the recently added factors along with locking the account", async () => {
    const owner = await createUser({ verifiedDaysAgo: 200 });
    const ownTotp = await addTotp(owner, 40);
    await addPasskey(owner, "Intruder");
    const token = await issueUserToken(owner.id, "not_me");
    const done = await reportNotMe(token, ctx);
    expect(done.methodsRemoved).toEqual(["Passkey “Intruder”"]);
    expect(await factorIds(owner.id)).toEqual([ownTotp]);
    const audit = await t.db().auditEvent.findMany({ where: { action: "mfa.factor_removed", targetId: owner.id } });
    expect(audit.map((a) => (a.details as { reason: string }).reason)).toEqual(["reported_not_me"]);
  });
});
