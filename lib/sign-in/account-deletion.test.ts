// Account deletion with a grace period (GDPR art. 17): closed at once, restorable by the mailed link
// until the erasure, then erased with the audit trail kept pseudonymous. The clock is moved by
// passing `now`, never by waiting.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApplicationDto } from "@/lib/applications";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents, recordAudit } from "@/lib/audit";
import { createApplication } from "@/lib/applications";
import { withTransaction } from "@/lib/db";
import { PermissionError } from "@/lib/errors";
import { createPurpose, giveConsent } from "@/lib/consents";
import { ensureSigningKeys } from "@/lib/keys";
import { authorize, grantConsent, handleTokenRequest } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { createSession, validateSession } from "@/lib/sessions";
import { cancelAccountDeletion } from "@/lib/users";
import { eraseAccountsDue, requestAccountDeletion } from "./index";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "v".repeat(43);
const DAY = 24 * 3600_000;
let client: ApplicationDto;

beforeAll(async () => {
  await ensureSigningKeys();
  await createPurpose(admin, { key: "newsletter", name: "Newsletter", legalBasis: "consent", dataCategories: "email", retention: "Until withdrawn", text: "Send me the newsletter." });
  client = (await createApplication(admin, { name: "Shop", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], firstParty: false }, {})).application;
});

/** A customer signed in, with a consent to a purpose (and its receipt), a consent to an application, a grant holding a refresh token, and some history. */
async function customerWithData() {
  const user = await t.db().user.create({ data: { email: `deleting-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date(), givenName: "Ada" } });
  const session = await createSession(user.id, { ip: "81.45.3.1", userAgent: "Firefox" });
  const s = (await validateSession(session.token))!;
  await grantConsent(user.id, client.clientId, ["openid", "offline_access"], { ip: "81.45.3.1" });
  await giveConsent(user.id, { purpose: "newsletter" }, { method: "portal", context: { ip: "81.45.3.1" } });
  const outcome = await authorize(
    { params: { client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid offline_access", state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256", prompt: "consent" } },
    { id: s.id, userId: user.id, authTime: s.authTime, amr: s.amr },
    {},
  );
  if (outcome.kind === "respond" && outcome.response.params.code) {
    await handleTokenRequest(client, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
  }
  await recordAudit({ actor: { type: "user", id: user.id }, action: "user.email_verified", target: { type: "user", id: user.id }, result: "success", context: { ip: "81.45.3.1", userAgent: "Firefox" }, details: { email: user.email } });
  await recordAudit({ actor: { type: "anonymous" }, action: "login.throttled", target: { type: "email", id: user.email! }, result: "failure", context: { ip: "203.0.113.9" } });
  return { user, session, me: { id: user.id, roles: [] as string[] } };
}

async function cancelTokenMailedTo(email: string): Promise<string> {
  const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: email, template: "account-deletion-scheduled" } });
  return /cancel-deletion\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
}

describe("requestAccountDeletion", () => {
  it("closes the account at once: disabled, signed out everywhere, grants revoked, the owner mailed a way back", async () => {
    const { user, session, me } = await customerWithData();
    const now = new Date();
    const { erasureDueAt } = await requestAccountDeletion(me, user.id, { ip: "192.0.2.1" }, now);
    expect(erasureDueAt.getTime()).toBe(now.getTime() + 30 * DAY);
    expect(await validateSession(session.token)).toBeNull();
    expect(await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ disabledAt: now, deletionDueAt: erasureDueAt });
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect(await cancelTokenMailedTo(user.email!)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await listAuditEvents({ targetId: user.id, action: "user.deletion_requested" })).toHaveLength(1);
    expect((await listAuditEvents({ targetId: user.id, action: "user.signed_out_everywhere" }))[0]!.details).toMatchObject({ reason: "account_deletion" });
    // Asking again changes nothing.
    await expect(requestAccountDeletion(me, user.id, {})).rejects.toMatchObject({ code: "deletion_scheduled" });
  });

  it("is the owner's to ask, or an administrator's", async () => {
    const { user } = await customerWithData();
    const other = await customerWithData();
    await expect(requestAccountDeletion(other.me, user.id, {})).rejects.toBeInstanceOf(PermissionError);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).disabledAt).toBeNull();
  });
});

describe("cancelAccountDeletion", () => {
  it("opens the account again, once; a link past the erasure date restores nothing", async () => {
    const { user, me } = await customerWithData();
    const now = new Date();
    await requestAccountDeletion(me, user.id, {}, now);
    const token = await cancelTokenMailedTo(user.email!);
    await expect(cancelAccountDeletion(token, {}, new Date(now.getTime() + 31 * DAY))).rejects.toMatchObject({ code: "invalid_token" });
    expect(await cancelAccountDeletion(token, {}, new Date(now.getTime() + 29 * DAY))).toEqual({ userId: user.id, stillDisabled: false });
    expect(await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ disabledAt: null, deletionDueAt: null, deletionRequestedAt: null });
    await expect(cancelAccountDeletion(token, {})).rejects.toMatchObject({ code: "invalid_token" });
    // Cancelled: the erasure leaves it alone when the date comes.
    await eraseAccountsDue(new Date(now.getTime() + 31 * DAY));
    expect(await t.db().user.count({ where: { id: user.id } })).toBe(1);
  });

  it("leaves an account an administrator had disabled before the request disabled", async () => {
    const { user } = await customerWithData();
    const disabledAt = new Date(Date.now() - DAY);
    await t.db().user.update({ where: { id: user.id }, data: { disabledAt } });
    await requestAccountDeletion(admin, user.id, {});
    expect(await cancelAccountDeletion(await cancelTokenMailedTo(user.email!), {})).toMatchObject({ stillDisabled: true });
    expect((await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).disabledAt).toEqual(disabledAt);
  });
});

describe("eraseAccountsDue", () => {
  it("waits for the grace period, then erases the account and keeps its audit trail pseudonymous", async () => {
    const { user, me } = await customerWithData();
    const keep = await customerWithData();
    const now = new Date();
    await requestAccountDeletion(me, user.id, { ip: "192.0.2.1", userAgent: "Firefox" }, now);

    await eraseAccountsDue(new Date(now.getTime() + 30 * DAY - 1000));
    expect(await t.db().user.count({ where: { id: user.id } })).toBe(1);

    // (Accounts of the tests above may be erased in the same pass.)
    expect(await eraseAccountsDue(new Date(now.getTime() + 30 * DAY + 1000))).toBeGreaterThanOrEqual(1);
    expect(await t.db().user.count({ where: { id: user.id } })).toBe(0);
    expect(await t.db().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id } })).toBe(0);
    expect(await t.db().consent.count({ where: { userId: user.id } })).toBe(0);
    // The consent ledger forgets the person (its trigger allows this one DELETE, in the erasure only).
    expect(await t.db().purposeConsent.count({ where: { userId: user.id } })).toBe(0);
    expect(await t.db().consentReceipt.count({ where: { userId: user.id } })).toBe(0);
    expect(await t.db().consentReceipt.count({ where: { userId: keep.user.id } })).toBe(1);
    expect((await t.db().mailMessage.findMany({ where: { to: user.email! } })).map((m) => m.template)).toEqual(["account-erased"]);

    // What happened stays, under the id alone: no address, no IP, no browser.
    const trail = await t.db().auditEvent.findMany({ where: { OR: [{ targetId: user.id }, { actorId: user.id }, { targetId: user.email }] } });
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(["user.email_verified", "login.throttled", "consent.granted", "user.deletion_requested", "user.erased"]));
    expect(JSON.stringify(trail.map(({ id: _id, ...e }) => e))).not.toContain(user.email);
    expect(trail.filter((e) => e.ip !== null || e.userAgent !== null)).toEqual([]);
    expect(trail.find((e) => e.action === "login.throttled")).toMatchObject({ targetType: "user", targetId: user.id });

    // The other customer is untouched.
    expect(await t.db().user.findUniqueOrThrow({ where: { id: keep.user.id } })).toMatchObject({ disabledAt: null, givenName: "Ada" });
    expect((await t.db().auditEvent.findFirstOrThrow({ where: { targetId: keep.user.id, action: "user.email_verified" } })).ip).toBe("81.45.3.1");
  });

  it("deletes the text messages sent to the account's phone numbers, but not those to a number another account holds as a confirmed factor", async () => {
    const { user, me } = await customerWithData();
    const other = await customerWithData();
    const tag = () => String(crypto.randomInt(1_000_000, 9_999_999));
    const own = `+34612${tag()}`.slice(0, 12); // its SMS factor only
    const shared = `+34622${tag()}`.slice(0, 12); // its SMS factor, and the other account's confirmed factor too
    const contact = `+34632${tag()}`.slice(0, 12); // its profile (contact) number
    const typed = `+34642${tag()}`.slice(0, 12); // its pending factor; typed as the other account's profile number
    const started = `+34662${tag()}`.slice(0, 12); // its factor; an enrolment the other account never confirmed
    await t.db().user.update({ where: { id: user.id }, data: { phoneNumber: contact } });
    await t.db().user.update({ where: { id: other.user.id }, data: { phoneNumber: typed } });
    await t.db().mfaFactor.createMany({
      data: [
        { userId: user.id, type: "sms", label: own, phone: own, confirmedAt: new Date() },
        { userId: user.id, type: "sms", label: shared, phone: shared, confirmedAt: new Date() },
        { userId: user.id, type: "sms", label: typed, phone: typed },
        { userId: user.id, type: "sms", label: started, phone: started, confirmedAt: new Date() },
        { userId: other.user.id, type: "sms", label: shared, phone: shared, confirmedAt: new Date() },
        { userId: other.user.id, type: "sms", label: started, phone: started },
      ],
    });
    const stranger = `+34652${tag()}`.slice(0, 12);
    for (const to of [own, own, shared, contact, typed, started, stranger]) {
      await t.db().smsMessage.create({ data: { to, purpose: "sign_in", transport: "outbox", status: "sent", attempts: 1, sentAt: new Date() } });
    }
    const now = new Date();
    await requestAccountDeletion(me, user.id, {}, now);
    await eraseAccountsDue(new Date(now.getTime() + 31 * DAY));
    expect(await t.db().user.count({ where: { id: user.id } })).toBe(0);
    const left = async (to: string) => t.db().smsMessage.count({ where: { to } });
    // Typing a number into a profile or starting an enrolment does not keep a stranger's texts.
    expect([await left(own), await left(contact), await left(typed), await left(started)]).toEqual([0, 0, 0, 0]);
    expect([await left(shared), await left(stranger)]).toEqual([1, 1]);
  });

  it("leaves the audit trail append-only outside an erasure", async () => {
    const { user } = await customerWithData();
    const [event] = await listAuditEvents({ targetId: user.id, action: "user.email_verified" });
    await expect(t.db().auditEvent.update({ where: { id: event!.id }, data: { ip: null } })).rejects.toThrow(/append-only/);
    await expect(t.db().auditEvent.delete({ where: { id: event!.id } })).rejects.toThrow(/append-only/);
    // Even inside a transaction that sets the erasure flag, what happened and when cannot change.
    await expect(
      withTransaction(async (tx) => {
        await tx.$queryRaw`SELECT set_config('portico.audit_erasure', 'on', true)`;
        await tx.auditEvent.update({ where: { id: event!.id }, data: { action: "login.succeeded" } });
      }),
    ).rejects.toThrow(/append-only/);
  });
});
