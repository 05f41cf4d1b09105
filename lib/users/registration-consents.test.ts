// Consent at registration (GDPR art. 7): the purposes an administrator offers on the registration
// form, ticked by the person, are checked before anything is queued, kept with the new account by
// the job that creates it, and given (a signed receipt each) only when the address is verified:
// until then anyone could have typed it. A password reset before that drops them; a registration
// for an address that has an account gives that account nothing.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { createLocalJWKSet, jwtVerify } from "jose";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { createCaptchaChallenge } from "@/lib/captcha";
import { listAuditEvents } from "@/lib/audit";
import { identityEventsOf } from "@/lib/events";
import { ensureSigningKeys, publicJwks } from "@/lib/keys";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { ConsentError, consentDecisionsOf, createPurpose, publishPurposeVersion, purposesOfferedAtRegistration, receiptsOf, updatePurpose } from "@/lib/consents";
import { listOutbox } from "@/lib/mail";
import { drainAccountJobs, registerUser, requestPasswordReset, resetPassword, verifyEmail } from "./index";
import { registrationSchema } from "./users.schema";

const t = useTestDatabase();
const ctx = { ip: "203.0.113.9", userAgent: "vitest" };
const PASSWORD = "velvet-otter-carries-42-lanterns";
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const PURPOSE = { legalBasis: "consent", dataCategories: "email", retention: "Until you withdraw", text: "Send me news by email." } as const;

async function solvedCaptcha(): Promise<string> {
  const challenge = await createCaptchaChallenge();
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

async function form(email: string, consents: Record<string, number>) {
  return { ...registrationSchema.parse({ email, password: PASSWORD, acceptTerms: "on" }), captcha: await solvedCaptcha(), consents };
}

/** The token of the newest link to `path` mailed to `email`. */
async function mailedToken(email: string, path: string): Promise<string> {
  const [mail] = await listOutbox({ to: email, take: 1 });
  const m = mail?.text.match(new RegExp(`https?://\\S+${path}\\?token=([A-Za-z0-9_-]{43})`));
  if (!m) throw new Error(`no ${path} link mailed to ${email}`);
  return m[1]!;
}

async function consentError(p: Promise<unknown>): Promise<ConsentError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ConsentError);
  return e as ConsentError;
}

beforeAll(async () => {
  resetLoginThrottleForTests();
  resetFixedWindowLimitsForTests();
  await ensureSigningKeys();
  await createPurpose(admin, { ...PURPOSE, key: "news", name: "News by email", offerAtRegistration: true });
  await createPurpose(admin, { ...PURPOSE, key: "survey", name: "Surveys", text: "Ask me about the service." });
  await createPurpose(admin, { ...PURPOSE, key: "offers", name: "Offers", offerAtRegistration: true, text: "Send me offers." });
  await createPurpose(admin, { ...PURPOSE, key: "billing", name: "Billing", legalBasis: "contract", text: "Invoices." });
});
beforeEach(async () => {
  await t.db().rateLimiterFlexible.deleteMany();
});

describe(`consent at registration on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("offers only purposes based on consent that an administrator marked; another legal basis cannot be marked", async () => {
    expect((await purposesOfferedAtRegistration()).map((p) => p.key)).toEqual(["news", "offers"]);
    const refused = await consentError(createPurpose(admin, { ...PURPOSE, key: "invoices", name: "Invoices", legalBasis: "contract", offerAtRegistration: true }));
    expect(refused.fieldErrors).toMatchObject({ offerAtRegistration: expect.stringContaining("based on consent") });
    expect(await t.db().purpose.count({ where: { key: "invoices" } })).toBe(0);
  });

  it("keeps the ticked purposes with the new account, and gives them when the address is verified: a signed receipt each (collection method registration), nothing for the unticked", async () => {
    const sentAt = Date.now();
    await registerUser(await form("ticker@example.com", { news: 1 }), ctx);
    const [job] = await t.db().accountJob.findMany({ where: { email: "ticker@example.com" } });
    expect(job?.payload).toMatchObject({ consents: [{ purpose: "news", version: 1 }] });
    await drainAccountJobs();

    const user = await t.db().user.findUniqueOrThrow({ where: { email: "ticker@example.com" } });
    // Not yet: anyone could have typed this address.
    expect(await consentDecisionsOf(user.id)).toEqual([]);
    expect(await receiptsOf(user.id)).toEqual([]);
    expect((await identityEventsOf(user.id)).map((e) => e.type)).not.toContain("user.consent_given");
    expect(user.pendingConsents).toMatchObject({ consents: [{ purpose: "news", version: 1 }] });

    await verifyEmail(await mailedToken("ticker@example.com", "/verify-email"), { ip: "198.51.100.7", userAgent: "mail client" });
    expect(await consentDecisionsOf(user.id)).toEqual([expect.objectContaining({ purpose: "news", status: "given", version: 1, collectionMethod: "registration" })]);
    const receipts = await receiptsOf(user.id);
    expect(receipts).toHaveLength(1);
    const { payload, protectedHeader } = await jwtVerify(receipts[0]!.jws, createLocalJWKSet(await publicJwks()), { typ: "consent-receipt+jwt" });
    expect(protectedHeader.typ).toBe("consent-receipt+jwt");
    expect(payload).toMatchObject({ sub: user.id, piiPrincipalId: user.id, collectionMethod: expect.stringContaining("registration form"), portico: { action: "given", purposeKey: "news", purposeVersion: 1 } });
    // Dated when the form was sent, not when the link was followed.
    expect(Math.abs((payload.consentTimestamp as number) * 1000 - sentAt)).toBeLessThan(5_000);
    const [given] = await listAuditEvents({ targetId: user.id, action: "purpose_consent.given" });
    expect(given).toMatchObject({ actorId: user.id, details: { purpose: "news", version: 1, method: "registration", receiptId: receipts[0]!.id } });
    expect((await identityEventsOf(user.id)).map((e) => e.type)).toContain("user.consent_given");
    expect((await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).pendingConsents).toBeNull();
  });

  it("drops the pending purposes when a password reset takes the account over before verification", async () => {
    await registerUser(await form("squatted@example.com", { news: 1, offers: 1 }), ctx);
    await drainAccountJobs();
    const user = await t.db().user.findUniqueOrThrow({ where: { email: "squatted@example.com" } });
    expect(user.pendingConsents).not.toBeNull();
    const verifyToken = await mailedToken("squatted@example.com", "/verify-email");
    // The mailbox's owner, who never sent that form, resets the password.
    await requestPasswordReset("squatted@example.com", ctx);
    await drainAccountJobs();
    await resetPassword(await mailedToken("squatted@example.com", "/reset-password"), "quiet-harbour-lamps-77-owls", ctx);
    const after = await t.db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.emailVerifiedAt).toBeInstanceOf(Date);
    expect(after.pendingConsents).toBeNull();
    expect(await consentDecisionsOf(user.id)).toEqual([]);
    expect(await receiptsOf(user.id)).toEqual([]);
    // The old verification link, if followed now, gives nothing either.
    await verifyEmail(verifyToken, ctx).catch(() => undefined);
    expect(await consentDecisionsOf(user.id)).toEqual([]);
  });

  it("gives the existing account nothing when the address is already registered", async () => {
    await registerUser(await form("owner@example.com", {}), ctx);
    await drainAccountJobs();
    const owner = await t.db().user.findUniqueOrThrow({ where: { email: "owner@example.com" } });

    await registerUser(await form("owner@example.com", { news: 1, offers: 1 }), ctx);
    expect(await drainAccountJobs()).toBe(1);
    expect(await consentDecisionsOf(owner.id)).toEqual([]);
    expect(await receiptsOf(owner.id)).toEqual([]);
    expect(await listAuditEvents({ targetId: owner.id, action: "purpose_consent.given" })).toEqual([]);
    expect(await listAuditEvents({ targetId: "owner@example.com", action: "user.register_existing" })).toHaveLength(1);
  });

  it("refuses a forged, unknown, not offered, not consent-based or outdated purpose beside the purposes, queuing nothing", async () => {
    await publishPurposeVersion(admin, "offers", "Send me offers, now weekly.");
    const before = await t.db().accountJob.count();
    const cases: [Record<string, number>, string][] = [
      [{ "no-such-purpose": 1 }, "unknown_purpose"],
      [{ "'; DROP TABLE": 1 }, "unknown_purpose"],
      [{ survey: 1 }, "unknown_purpose"],
      [{ billing: 1 }, "unknown_purpose"],
      [{ news: 1, survey: 1 }, "unknown_purpose"],
      [{ news: 7 }, "version_changed"],
      [{ offers: 1 }, "version_changed"],
    ];
    for (const [consents, code] of cases) {
      const e = await consentError(registerUser(await form("forger@example.com", consents), ctx));
      expect(e).toMatchObject({ code, field: "purposes" });
    }
    expect(await t.db().accountJob.count()).toBe(before);
    expect(await drainAccountJobs()).toBe(0);
    expect(await t.db().user.count({ where: { email: "forger@example.com" } })).toBe(0);
    // The current text goes through.
    await registerUser(await form("forger@example.com", { offers: 2 }), ctx);
    await drainAccountJobs();
    const user = await t.db().user.findUniqueOrThrow({ where: { email: "forger@example.com" } });
    await verifyEmail(await mailedToken("forger@example.com", "/verify-email"), ctx);
    expect((await receiptsOf(user.id)).map((r) => [r.purpose, r.version])).toEqual([["offers", 2]]);
  });

  it("still creates and verifies the account when a ticked purpose stopped being based on consent meanwhile, without that consent", async () => {
    await createPurpose(admin, { ...PURPOSE, key: "loyalty", name: "Loyalty", offerAtRegistration: true, text: "Count my points." });
    await registerUser(await form("late@example.com", { loyalty: 1, news: 1 }), ctx);
    await updatePurpose(admin, "loyalty", { name: "Loyalty", legalBasis: "contract", dataCategories: "email", retention: "Until you withdraw", offerAtRegistration: false });
    expect(await drainAccountJobs()).toBe(1);
    const user = await t.db().user.findUniqueOrThrow({ where: { email: "late@example.com" } });
    await verifyEmail(await mailedToken("late@example.com", "/verify-email"), ctx);
    expect((await consentDecisionsOf(user.id)).map((d) => d.purpose)).toEqual(["news"]);
  });
});
