import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { createCaptchaChallenge } from "@/lib/captcha";
import { verifyPassword } from "@/lib/credentials";
import { listAuditEvents } from "@/lib/audit";
import { listOutbox } from "@/lib/mail";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { reloadConfig } from "@/lib/config";
import { drainAccountJobs, registerUser, verifyEmail, UserError } from "./index";
import { registrationSchema } from "./users.schema";
import { checkShownVersions, clearLegalCache, publishDocument } from "@/lib/legal";

const t = useTestDatabase();
const ctx = { ip: "203.0.113.7", userAgent: "vitest" };
const PASSWORD = "velvet-otter-carries-42-lanterns";

/** What the ALTCHA widget submits: base64(JSON {challenge, solution}), solved the way the browser does. */
async function solvedCaptcha(): Promise<string> {
  const challenge = await createCaptchaChallenge();
  const solution = await solveChallenge({ challenge, deriveKey });
  expect(solution).not.toBeNull();
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

/** The input as the form handler hands it over: parsed (and normalised) by the shared schema. */
function input(fields: { email: string; password?: string; displayName?: string }, captcha: string | undefined) {
  const parsed = registrationSchema.parse({ password: PASSWORD, acceptTerms: "on", ...fields });
  return { ...parsed, captcha };
}

function tokenFromLink(text: string, path: string): string {
  const m = text.match(new RegExp(`https?://[^\\s]+${path}\\?token=([A-Za-z0-9_-]{43})`));
  if (!m) throw new Error(`no ${path} link in mail:\n${text}`);
  return m[1]!;
}

/** A registration that went through, and the background work it queued (account-jobs.ts). */
async function registerAndDrain(...args: Parameters<typeof registerUser>) {
  const result = await registerUser(...args);
  await drainAccountJobs();
  return result;
}

async function countRows() {
  const db = t.db();
  return {
    users: await db.user.count(),
    mails: await db.mailMessage.count(),
    // Every submission leaves its "registration.attempted" (the analytics funnel); nothing else may be written.
    audit: await db.auditEvent.count({ where: { action: { not: "registration.attempted" } } }),
    tokens: await db.userToken.count(),
    challenges: await db.usedChallenge.count(),
  };
}

async function expectUserError(p: Promise<unknown>, code: string): Promise<UserError> {
  const err = await p.then(
    () => {
      throw new Error(`expected UserError ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect((err as UserError).code).toBe(code);
  return err as UserError;
}

beforeAll(() => {
  resetLoginThrottleForTests();
  resetFixedWindowLimitsForTests();
});
beforeEach(async () => {
  // Only the per-IP registration window matters here; keep every test independent of the others.
  await t.db().rateLimiterFlexible.deleteMany();
});

describe(`registration on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("records the acceptance of the versions of the terms the form showed, audited, once the account exists", async () => {
    const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
    const terms = await publishDocument(admin, { kind: "terms", title: "Terms", body: "Be nice.", effectiveAt: new Date(Date.now() - 60_000), requiresAcceptance: true });
    await expect(checkShownVersions([])).rejects.toMatchObject({ code: "not_current", field: "acceptTerms" });
    const acceptedDocuments = await checkShownVersions([terms.id]);
    await registerAndDrain({ ...input({ email: "accepting@example.com" }, await solvedCaptcha()), acceptedDocuments }, ctx);
    const user = await t.db().user.findUniqueOrThrow({ where: { email: "accepting@example.com" } });
    expect(await t.db().legalAcceptance.findMany({ where: { userId: user.id }, select: { documentId: true } })).toEqual([{ documentId: terms.id }]);
    const [event] = await listAuditEvents({ targetId: user.id, action: "legal.accepted" });
    expect(event).toMatchObject({ actorId: user.id, details: { documents: [{ kind: "terms", version: terms.version }] } });
    await t.db().legalDocument.deleteMany({ where: { id: terms.id } });
    clearLegalCache();
  });

  it("creates the user, queues a verification mail whose link verifies the email exactly once", async () => {
    const result = await registerAndDrain(input({ email: "Ada.Lovelace@Example.com", displayName: "Ada" }, await solvedCaptcha()), ctx);
    expect(result).toEqual({ email: "ada.lovelace@example.com" });

    const user = await t.db().user.findUniqueOrThrow({ where: { email: "ada.lovelace@example.com" } });
    expect(user.emailVerifiedAt).toBeNull();
    expect(user.termsAcceptedAt).toBeInstanceOf(Date);
    expect(user.displayName).toBe("Ada");
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash!, PASSWORD)).toBe(true);

    const mails = await listOutbox({ to: "ada.lovelace@example.com" });
    expect(mails.map((m) => m.template)).toEqual(["verify-email"]);
    const token = tokenFromLink(mails[0]!.text, "/verify-email");
    // Only the hash of the token is stored.
    expect(await t.db().userToken.count({ where: { tokenHash: token } })).toBe(0);

    const registered = await listAuditEvents({ action: "user.registered", targetId: user.id });
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ actorId: user.id, targetType: "user", result: "success", ip: ctx.ip, userAgent: ctx.userAgent });

    expect(await verifyEmail(token, ctx)).toEqual({ userId: user.id, email: "ada.lovelace@example.com" });
    const verified = await t.db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(verified.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await listAuditEvents({ action: "user.email_verified", targetId: user.id })).toHaveLength(1);

    await expectUserError(verifyEmail(token, ctx), "invalid_token");
    expect(await listAuditEvents({ action: "user.email_verified", targetId: user.id })).toHaveLength(1);
  });

  it("refuses a replayed captcha payload", async () => {
    const captcha = await solvedCaptcha();
    await registerAndDrain(input({ email: "first@example.com" }, captcha), ctx);
    const before = await countRows();

    await expectUserError(registerUser(input({ email: "second@example.com" }, captcha), ctx), "captcha_failed");
    const [attempt] = await listAuditEvents({ action: "registration.attempted", take: 1 });
    expect(attempt).toMatchObject({ result: "failure", targetId: null, details: { reason: "captcha_failed" } });

    expect(await t.db().user.findUnique({ where: { email: "second@example.com" } })).toBeNull();
    expect(await listOutbox({ to: "second@example.com" })).toHaveLength(0);
    expect(await countRows()).toEqual(before);
  });

  it("refuses a missing, garbage or tampered captcha", async () => {
    const genuine = JSON.parse(Buffer.from(await solvedCaptcha(), "base64").toString("utf8"));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
    const flip = (hex: string) => (hex[0] === "0" ? "1" : "0") + hex.slice(1);
    const bad: (string | undefined)[] = [
      undefined,
      "",
      "not base64 at all!!",
      Buffer.from("{not json").toString("base64"),
      b64({ hello: "world" }),
      b64({ challenge: genuine.challenge }),
      // malformed solutions (the derived key, checked against the server's key signature, is the proof)
      b64({ ...genuine, solution: { ...genuine.solution, counter: -1 } }),
      b64({ ...genuine, solution: { ...genuine.solution, derivedKey: genuine.solution.derivedKey.toUpperCase() } }),
      // derived key that does not belong to the challenge
      b64({ ...genuine, solution: { ...genuine.solution, derivedKey: flip(genuine.solution.derivedKey) } }),
      // parameters changed after signing (e.g. an easier key prefix)
      b64({ ...genuine, challenge: { ...genuine.challenge, parameters: { ...genuine.challenge.parameters, keyPrefix: "00" } } }),
      // a forged signature
      b64({ ...genuine, challenge: { ...genuine.challenge, signature: flip(genuine.challenge.signature) } }),
      // an already expired challenge (the signature no longer matches either)
      b64({ ...genuine, challenge: { ...genuine.challenge, parameters: { ...genuine.challenge.parameters, expiresAt: 1 } } }),
      "A".repeat(5000),
    ];
    const before = await countRows();
    for (const captcha of bad) {
      const err = await expectUserError(registerUser(input({ email: "bot@example.com" }, captcha), ctx), "captcha_failed");
      expect(err.details.field).toBe("captcha");
    }
    expect(await countRows()).toEqual(before);

    // None of the failed attempts burned the genuine solution.
    await registerAndDrain(input({ email: "human@example.com" }, b64(genuine)), ctx);
    expect(await t.db().user.count({ where: { email: "human@example.com" } })).toBe(1);
  });

  it("refuses passwords that break the policy with password_policy and writes nothing", async () => {
    const captcha = await solvedCaptcha();
    const before = await countRows();
    const cases = [
      "short-pw1", // too short for a single factor
      "aaaaaaaaaaaaaaaaaaaaaaaa", // guessable
      "password12345678", // common
      "grace.hopper-lovely-2024!", // contains the email's local part
      "Portico-is-my-identity-provider", // the site's name
      "x".repeat(129) + "Yz1!", // too long
    ];
    for (const password of cases) {
      const err = await expectUserError(
        registerUser(input({ email: "grace.hopper@example.com", password, displayName: "Grace" }, captcha), ctx),
        "password_policy",
      );
      expect(err.details.field).toBe("password");
      expect(err.details.issues?.length).toBeGreaterThan(0);
    }
    expect(await countRows()).toEqual(before);
    // The captcha was not spent on a refused form: the corrected form goes through with it.
    await registerAndDrain(input({ email: "grace.hopper@example.com", displayName: "Grace" }, captcha), ctx);
    expect(await t.db().user.count({ where: { email: "grace.hopper@example.com" } })).toBe(1);
  });

  it("answers a registration for an existing email the same way, without a second user, and mails the owner", async () => {
    const first = await registerAndDrain(input({ email: "owner@example.com", displayName: "Owner" }, await solvedCaptcha()), ctx);
    const original = await t.db().user.findUniqueOrThrow({ where: { email: "owner@example.com" } });

    const again = await registerAndDrain(
      input({ email: "OWNER@example.com", password: "another-strong-passphrase-99", displayName: "Mallory" }, await solvedCaptcha()),
      ctx,
    );
    expect(again).toEqual(first);

    const users = await t.db().user.findMany({ where: { email: "owner@example.com" } });
    expect(users).toHaveLength(1);
    // The second form changed nothing about the account.
    expect(users[0]).toMatchObject({ id: original.id, passwordHash: original.passwordHash, displayName: "Owner" });
    expect(await t.db().userToken.count({ where: { userId: original.id } })).toBe(1);

    const mails = await listOutbox({ to: "owner@example.com" });
    expect(mails.map((m) => m.template)).toEqual(["already-registered", "verify-email"]);
    expect(mails[0]!.text).toContain("/login");
    expect(mails[0]!.text).toContain("/forgot-password");
    expect(mails[0]!.text).not.toMatch(/token=/);

    expect(await listAuditEvents({ action: "user.registered", targetId: original.id })).toHaveLength(1);
    const existing = await listAuditEvents({ action: "user.register_existing", targetId: "owner@example.com" });
    expect(existing).toHaveLength(1);
    expect(existing[0]).toMatchObject({ result: "failure", ip: ctx.ip });
  });

  it("limits registrations per IP address", async () => {
    const ip = "198.51.100.23";
    for (let i = 0; i < 20; i++) {
      // The limit is consumed before the captcha is checked, so no solution is needed to spend it.
      await expectUserError(registerUser(input({ email: `flood${i}@example.com` }, undefined), { ip }), "captcha_failed");
    }
    const err = await expectUserError(registerUser(input({ email: "flood@example.com" }, await solvedCaptcha()), { ip }), "rate_limited");
    expect(err.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(await t.db().user.count({ where: { email: { startsWith: "flood" } } })).toBe(0);
  });

  it("takes the limit from REGISTRATIONS_PER_IP_HOUR", async () => {
    process.env.REGISTRATIONS_PER_IP_HOUR = "2";
    reloadConfig();
    try {
      const ip = "198.51.100.24";
      for (let i = 0; i < 2; i++) await expectUserError(registerUser(input({ email: `few${i}@example.com` }, undefined), { ip }), "captcha_failed");
      await expectUserError(registerUser(input({ email: "few@example.com" }, await solvedCaptcha()), { ip }), "rate_limited");
    } finally {
      delete process.env.REGISTRATIONS_PER_IP_HOUR;
      reloadConfig();
    }
  });
});
