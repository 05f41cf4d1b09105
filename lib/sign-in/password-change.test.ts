// Changing the password while signed in: the registration policy, the current password on the
// sign-in throttle, and on success one transaction that writes the hash, mails and audits it and
// signs every other session out (this one and its grants stay).
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { ACCOUNT_PASSWORD, signedInAccountFixtures } from "@/test/signed-in-account";
import { listAuditEvents } from "@/lib/audit";
import { verifyPassword } from "@/lib/credentials";
import { isTrustedDevice, trustDevice } from "@/lib/factors";
import { listOutbox } from "@/lib/mail";
import { validateSession } from "@/lib/sessions";
import { authenticateWithPassword, preparePasswordChange, UserError } from "@/lib/users";
import { changePassword } from "./index";

const t = useTestDatabase();
const f = signedInAccountFixtures(t);
const NEW_PASSWORD = "quiet harbour maple 2077";
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const MADRID_IP = "81.45.3.1";

type Account = Awaited<ReturnType<typeof f.account>>;
const fromSession = (a: Account, i = 0) => validateSession(a.sessions[i]!.token).then((s) => ({ id: s!.id, user: a.actor }));
const codeOf = (p: Promise<unknown>) => p.then(() => "changed", (e: UserError) => ({ code: e.code, field: e.field }));
const hashOf = async (userId: string) => (await t.db().user.findUniqueOrThrow({ where: { id: userId } })).passwordHash;

/** Lets the running progressive wait of the sign-in throttle run out. */
const expireThrottleWaits = () => t.db().rateLimiterFlexible.updateMany({ where: { key: { contains: ":login-wait:" } }, data: { expire: new Date(Date.now() - 1000) } });

beforeEach(async () => {
  await t.db().mailMessage.deleteMany();
});

describe(`changing the password while signed in, on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("replaces the hash, ends every other session and its grants, keeps this one and its grants, forgets trusted browsers, mails and audits", async () => {
    const a = await f.account({ sessions: 3 });
    const here = await fromSession(a);
    const kept = await f.grantIn(a.sessions[0]!.token, "openid offline_access");
    const elsewhere = await f.grantIn(a.sessions[1]!.token, "openid offline_access");
    const trusted = await trustDevice(a.user.id, {});
    const deliveriesBefore = await f.backchannelDeliveries();

    const done = await changePassword(here, { currentPassword: ACCOUNT_PASSWORD, newPassword: NEW_PASSWORD }, { ip: MADRID_IP, userAgent: CHROME_MAC });

    expect(done).toEqual({ sessionsRevoked: 2, trustedDevicesForgotten: 1, applicationsNotified: 1, grantsRevoked: 1 });
    expect(await validateSession(a.sessions[0]!.token)).not.toBeNull();
    expect(await validateSession(a.sessions[1]!.token)).toBeNull();
    expect(await validateSession(a.sessions[2]!.token)).toBeNull();
    // The grant made here survives; the one made elsewhere goes, offline_access included, and its application is told.
    expect((await f.liveGrants(a.user.id)).map((g) => g.id)).toEqual([kept.id]);
    expect(await t.db().oAuthGrant.findUniqueOrThrow({ where: { id: elsewhere.id } })).toMatchObject({ revokedReason: "password_changed" });
    expect(await f.backchannelDeliveries()).toBe(deliveriesBefore + 1);
    expect(await isTrustedDevice(a.user.id, trusted.token)).toBe(false);

    // argon2id, and the new password signs in while the old one does not.
    const hash = (await hashOf(a.user.id))!;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, NEW_PASSWORD)).toBe(true);
    await expect(authenticateWithPassword({ email: a.user.email!, password: NEW_PASSWORD }, {})).resolves.toMatchObject({ id: a.user.id });
    await expect(authenticateWithPassword({ email: a.user.email!, password: ACCOUNT_PASSWORD }, {})).rejects.toMatchObject({ code: "invalid_credentials" });

    const [mail] = await listOutbox({ to: a.user.email! });
    expect(mail).toMatchObject({ template: "password-changed", subject: "Your Portico password was changed" });
    expect(mail!.text).toContain("from Chrome on macOS, near ");
    expect(mail!.text).toMatch(/at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(mail!.text).toMatch(/This wasn't me:\nhttps?:\/\/\S+\/not-me\?token=[A-Za-z0-9_-]{43}/);

    const [changed] = await listAuditEvents({ action: "user.password_changed", targetId: a.user.id });
    expect(changed).toMatchObject({ actorType: "user", actorId: a.user.id, result: "success" });
    const [others] = await listAuditEvents({ action: "user.signed_out_other_sessions", targetId: a.user.id });
    expect(others!.details).toEqual({ reason: "password_changed", keptSession: here.id, ...done });
  });

  it("applies the registration policy to the new password, and changes nothing when it is refused", async () => {
    const a = await f.account();
    const here = await fromSession(a);
    const before = await hashOf(a.user.id);
    expect(await codeOf(changePassword(here, { currentPassword: ACCOUNT_PASSWORD, newPassword: "password1234567890" }, {}))).toEqual({ code: "password_policy", field: "newPassword" });
    expect(await codeOf(changePassword(here, { currentPassword: ACCOUNT_PASSWORD, newPassword: "short one" }, {}))).toEqual({ code: "password_policy", field: "newPassword" });
    // Context words: the account's own email.
    const local = a.user.email!.split("@")[0]!;
    expect(await codeOf(changePassword(here, { currentPassword: ACCOUNT_PASSWORD, newPassword: `${local} harbour maple` }, {}))).toEqual({ code: "password_policy", field: "newPassword" });
    expect(await codeOf(changePassword(here, { currentPassword: ACCOUNT_PASSWORD, newPassword: ACCOUNT_PASSWORD }, {}))).toEqual({ code: "password_reused", field: "newPassword" });
    expect(await hashOf(a.user.id)).toBe(before);
    expect(await validateSession(a.sessions[1]!.token)).not.toBeNull();
    expect(await listOutbox({ to: a.user.email! })).toHaveLength(0);
  });

  it("refuses a wrong current password beside its field and counts it on the sign-in throttle, as a failed sign-in", async () => {
    const a = await f.account();
    const here = await fromSession(a);
    const before = await hashOf(a.user.id);
    const ctx = { ip: "192.0.2.88" };
    const attempt = (currentPassword: string) => codeOf(changePassword(here, { currentPassword, newPassword: NEW_PASSWORD }, ctx));

    expect(await attempt("not my password at all")).toEqual({ code: "invalid_credentials", field: "currentPassword" });
    expect(await hashOf(a.user.id)).toBe(before);
    expect(await validateSession(a.sessions[1]!.token)).not.toBeNull();
    const [failure] = await listAuditEvents({ action: "user.password_changed", targetId: a.user.id });
    expect(failure).toMatchObject({ result: "failure", details: { reason: "reauthentication_failed", failures: 1 } });

    // LOGIN_DELAY_AFTER (3) failures: the next try waits, even with the right password, and so does a sign-in (one counter).
    for (let i = 0; i < 2; i++) expect(await attempt(`wrong guess number ${i}`)).toMatchObject({ code: "invalid_credentials" });
    expect(await attempt(ACCOUNT_PASSWORD)).toEqual({ code: "throttled", field: "currentPassword" });
    await expect(authenticateWithPassword({ email: a.user.email!, password: ACCOUNT_PASSWORD }, ctx)).rejects.toMatchObject({ code: "throttled" });

    // Up to LOGIN_LOCK_AFTER (10): the account locks and its owner is mailed, as at sign-in.
    for (let i = 3; i < 10; i++) {
      await expireThrottleWaits();
      expect(await attempt(`wrong guess number ${i}`)).toMatchObject({ code: "invalid_credentials" });
    }
    expect(await attempt(ACCOUNT_PASSWORD)).toMatchObject({ code: "locked" });
    expect((await t.db().user.findUniqueOrThrow({ where: { id: a.user.id } })).lockedUntil).toBeInstanceOf(Date);
    expect((await listOutbox({ to: a.user.email! })).map((m) => m.template)).toEqual(["account-locked"]);
    expect(await hashOf(a.user.id)).toBe(before);
  });

  it("is the owner's alone: another signed-in user cannot change it, even knowing the password", async () => {
    const owner = await f.account();
    const other = await f.account();
    const before = await hashOf(owner.user.id);
    // lib/sign-in acts on the session's own user; the domain function checks the actor itself, administrators included.
    await expect(preparePasswordChange({ id: other.user.id, roles: ["admin"] }, owner.user.id, { currentPassword: ACCOUNT_PASSWORD, newPassword: NEW_PASSWORD }, {})).rejects.toMatchObject({ code: "forbidden" });
    expect(await hashOf(owner.user.id)).toBe(before);
  });

  it("refuses an account without a password (passkey only) with a stable code and a message that says what to do", async () => {
    const a = await f.account({ password: null });
    const e = await changePassword(await fromSession(a), { currentPassword: "anything typed here", newPassword: NEW_PASSWORD }, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect(e).toMatchObject({ code: "no_password", field: "currentPassword" });
    expect((e as UserError).message).toContain("Forgot your password?");
    expect(await hashOf(a.user.id)).toBeNull();
    expect(await validateSession(a.sessions[1]!.token)).not.toBeNull();
  });
});
