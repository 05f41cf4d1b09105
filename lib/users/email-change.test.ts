import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { listOutbox } from "@/lib/mail";
import { createSession, validateSession } from "@/lib/sessions";
import { cancelOrRevertEmailChange } from "@/lib/sign-in";
import { hashPassword } from "@/lib/credentials";
import { authenticateWithPassword, changeEmail, confirmEmailChange, cancelEmailChange, cancelPendingEmailChange, drainAccountJobs, pendingEmailChange, registerUser, resetPassword, UserError, verifyEmail } from "./index";
import { registrationSchema } from "./users.schema";
import { createCaptchaChallenge } from "@/lib/captcha";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { issueUserToken } from "./user-tokens";

const t = useTestDatabase();
const PASSWORD = "river stone candle 1987";
const DAY = 24 * 3600_000;
const later = (ms: number) => new Date(Date.now() + ms);

async function verifiedUser(email: string) {
  return t.db().user.create({ data: { email, passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date(Date.now() - 30 * DAY) } });
}

/** Lets the running progressive wait (or lock) of the sign-in throttle run out. */
async function expireThrottleWaits() {
  await t.db().rateLimiterFlexible.updateMany({ where: { key: { contains: ":login-wait:" } }, data: { expire: new Date(Date.now() - 1000) } });
}

/** The token of the newest mail to `to` with `template`, from its link to `path`. */
async function linkToken(to: string, template: string, path: string): Promise<string> {
  const mail = (await listOutbox({ to })).find((m) => m.template === template);
  expect(mail, `a ${template} mail to ${to}`).toBeDefined();
  const m = mail!.text.match(new RegExp(`https?://\\S+${path}\\?token=([A-Za-z0-9_-]{43})`));
  expect(m, `a ${path} link in the ${template} mail`).not.toBeNull();
  return m![1]!;
}

async function requestChange(userId: string, newEmail: string, ctx = {}) {
  await changeEmail(userId, { newEmail, password: PASSWORD }, ctx);
}

const userRow = (id: string) => t.db().user.findUniqueOrThrow({ where: { id } });
const auditOf = (action: string, targetId: string) => t.db().auditEvent.findMany({ where: { action, targetId }, orderBy: { id: "asc" } });

beforeEach(async () => {
  await t.db().mailMessage.deleteMany();
});

describe(`changing the email address on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("needs the current password and changes nothing without it", async () => {
    const u = await verifiedUser("keep@example.com");
    const err = await changeEmail(u.id, { newEmail: "new-keep@example.com", password: "wrong password here" }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.code).toBe("invalid_credentials");
    const after = await userRow(u.id);
    expect(after.email).toBe("keep@example.com");
    expect(after.emailVerifiedAt).not.toBeNull();
    expect(await listOutbox({ to: "new-keep@example.com" })).toHaveLength(0);
  });

  it("keeps the address until the new mailbox confirms, and tells the old one with a cancel link", async () => {
    const u = await verifiedUser("old@example.com");
    const session = await createSession(u.id, {});
    await requestChange(u.id, "new@example.com", { ip: "192.0.2.1" });

    const after = await userRow(u.id);
    expect(after.email).toBe("old@example.com");
    expect(after.emailVerifiedAt).not.toBeNull();
    expect((await validateSession(session.token))?.user).toMatchObject({ email: "old@example.com", emailVerified: true });
    expect(await pendingEmailChange(u.id)).toMatchObject({ email: "new@example.com" });

    await linkToken("new@example.com", "email-change-confirm", "/confirm-email-change");
    await linkToken("old@example.com", "email-change-requested", "/cancel-email-change");
    const [notice] = await listOutbox({ to: "old@example.com" });
    expect(notice!.text).toContain("n***@example.com");
    expect(notice!.text).not.toContain("new@example.com");
    const [audit] = await auditOf("user.email_change_requested", u.id);
    expect(audit).toMatchObject({ result: "success", ip: "192.0.2.1" });
  });

  it("switches the address when the link in the new mailbox is confirmed, marks it verified, and tells the old one", async () => {
    const u = await verifiedUser("before@example.com");
    const verifiedBefore = (await userRow(u.id)).emailVerifiedAt!;
    await requestChange(u.id, "after@example.com");
    const token = await linkToken("after@example.com", "email-change-confirm", "/confirm-email-change");

    await expect(confirmEmailChange(token, { ip: "192.0.2.2" })).resolves.toMatchObject({ userId: u.id, email: "after@example.com" });
    const after = await userRow(u.id);
    expect(after.email).toBe("after@example.com");
    expect(after.emailVerifiedAt!.getTime()).toBeGreaterThan(verifiedBefore.getTime());
    expect(await pendingEmailChange(u.id)).toBeNull();
    // The old address hears that it happened, with a link to switch back.
    await linkToken("before@example.com", "email-changed-notice", "/cancel-email-change");
    const [audit] = await auditOf("user.email_changed", u.id);
    expect(audit).toMatchObject({ result: "success", ip: "192.0.2.2" });
    expect(audit!.details).toMatchObject({ from: "before@example.com", to: "after@example.com" });

    // The link works once.
    await expect(confirmEmailChange(token, {})).rejects.toMatchObject({ code: "invalid_token" });
  });

  it("the cancel link in the old mailbox voids a pending change", async () => {
    const u = await verifiedUser("stay@example.com");
    await requestChange(u.id, "elsewhere@example.com");
    const confirm = await linkToken("elsewhere@example.com", "email-change-confirm", "/confirm-email-change");
    const cancel = await linkToken("stay@example.com", "email-change-requested", "/cancel-email-change");

    await expect(cancelEmailChange(cancel, { ip: "192.0.2.3" })).resolves.toMatchObject({ userId: u.id, outcome: "cancelled" });
    expect(await pendingEmailChange(u.id)).toBeNull();
    await expect(confirmEmailChange(confirm, {})).rejects.toMatchObject({ code: "invalid_token" });
    expect((await userRow(u.id)).email).toBe("stay@example.com");
    expect(await auditOf("user.email_change_cancelled", u.id)).toHaveLength(1);
    await expect(cancelEmailChange(cancel, {})).rejects.toMatchObject({ code: "invalid_token" });
  });

  it("the account page cancels a pending change", async () => {
    const u = await verifiedUser("page@example.com");
    await requestChange(u.id, "page-new@example.com");
    const confirm = await linkToken("page-new@example.com", "email-change-confirm", "/confirm-email-change");
    expect(await cancelPendingEmailChange(u.id, {})).toBe(true);
    expect(await pendingEmailChange(u.id)).toBeNull();
    await expect(confirmEmailChange(confirm, {})).rejects.toMatchObject({ code: "invalid_token" });
    expect(await auditOf("user.email_change_cancelled", u.id)).toHaveLength(1);
    expect(await cancelPendingEmailChange(u.id, {})).toBe(false);
  });

  it("the old owner reverts a change that already happened: address back, everyone signed out, locked until a new password", async () => {
    const u = await verifiedUser("owner@example.com");
    const ownerSession = await createSession(u.id, {});
    // Someone who knows the password moves the account to their own mailbox.
    await requestChange(u.id, "hijacker@example.com");
    await confirmEmailChange(await linkToken("hijacker@example.com", "email-change-confirm", "/confirm-email-change"), {});
    const hijackerSession = await createSession(u.id, {});
    expect((await userRow(u.id)).email).toBe("hijacker@example.com");

    const revert = await linkToken("owner@example.com", "email-changed-notice", "/cancel-email-change");
    // Through lib/sign-in, which signs the account out everywhere after the revert.
    await expect(cancelOrRevertEmailChange(revert, { ip: "192.0.2.4" })).resolves.toMatchObject({ userId: u.id, outcome: "reverted" });

    const after = await userRow(u.id);
    expect(after.email).toBe("owner@example.com");
    expect(after.emailVerifiedAt).not.toBeNull();
    expect(after.lockedUntil!.getTime()).toBeGreaterThan(later(DAY).getTime());
    expect(await validateSession(ownerSession.token)).toBeNull();
    expect(await validateSession(hijackerSession.token)).toBeNull();
    // The way back in: a reset link, to the restored address.
    await linkToken("owner@example.com", "reset-password", "/reset-password");
    const [audit] = await auditOf("user.email_change_reverted", u.id);
    expect(audit).toMatchObject({ result: "success", ip: "192.0.2.4" });
    expect(audit!.details).toMatchObject({ from: "hijacker@example.com", to: "owner@example.com" });
  });

  it("a later change's link cannot undo the owner's revert", async () => {
    const u = await verifiedUser("first-owner@example.com");
    await requestChange(u.id, "step-b@example.com");
    await confirmEmailChange(await linkToken("step-b@example.com", "email-change-confirm", "/confirm-email-change"), {});
    await requestChange(u.id, "step-c@example.com");
    await confirmEmailChange(await linkToken("step-c@example.com", "email-change-confirm", "/confirm-email-change"), {});
    // The intruder holds step-b's revert link; the owner holds first-owner's. The owner acts first.
    const intruders = await linkToken("step-b@example.com", "email-changed-notice", "/cancel-email-change");
    const owners = await linkToken("first-owner@example.com", "email-changed-notice", "/cancel-email-change");
    await expect(cancelEmailChange(owners, {})).resolves.toMatchObject({ outcome: "reverted" });
    await expect(cancelEmailChange(intruders, {})).rejects.toMatchObject({ code: "invalid_token" });
    expect((await userRow(u.id)).email).toBe("first-owner@example.com");
  });

  it("and an earlier owner's link still works after a later one was used", async () => {
    const u = await verifiedUser("earliest@example.com");
    await requestChange(u.id, "middle@example.com");
    await confirmEmailChange(await linkToken("middle@example.com", "email-change-confirm", "/confirm-email-change"), {});
    await requestChange(u.id, "latest@example.com");
    await confirmEmailChange(await linkToken("latest@example.com", "email-change-confirm", "/confirm-email-change"), {});
    // The intruder acts first with the later link: the earlier owner can still take the account back.
    await cancelEmailChange(await linkToken("middle@example.com", "email-changed-notice", "/cancel-email-change"), {});
    expect((await userRow(u.id)).email).toBe("middle@example.com");
    await cancelEmailChange(await linkToken("earliest@example.com", "email-changed-notice", "/cancel-email-change"), {});
    expect((await userRow(u.id)).email).toBe("earliest@example.com");
  });

  it("holds the address left for its owner while the way back is open: nobody can register it or move to it", async () => {
    const u = await verifiedUser("left-behind@example.com");
    await requestChange(u.id, "moved-to@example.com");
    await confirmEmailChange(await linkToken("moved-to@example.com", "email-change-confirm", "/confirm-email-change"), {});

    // An intruder registers the old address to block the switch back: no account, the mailbox is told.
    const challenge = await createCaptchaChallenge();
    const captcha = Buffer.from(JSON.stringify({ challenge, solution: await solveChallenge({ challenge, deriveKey }) })).toString("base64");
    await registerUser({ ...registrationSchema.parse({ email: "left-behind@example.com", password: "violet-harbour-engine-61-maps", acceptTerms: "on" }), captcha }, { ip: "192.0.2.40" });
    await drainAccountJobs();
    expect(await t.db().user.count({ where: { email: "left-behind@example.com" } })).toBe(0);
    expect((await listOutbox({ to: "left-behind@example.com" })).map((m) => m.template)).toContain("already-registered");
    // Nor can another account move to it, at the request or at the confirmation.
    const other = await verifiedUser("squatter@example.com");
    await requestChange(other.id, "left-behind@example.com");
    expect(await pendingEmailChange(other.id)).toBeNull();

    await cancelEmailChange(await linkToken("left-behind@example.com", "email-changed-notice", "/cancel-email-change"), {});
    expect((await userRow(u.id)).email).toBe("left-behind@example.com");
  });

  it("a password reset voids a pending change", async () => {
    const u = await verifiedUser("resets@example.com");
    await requestChange(u.id, "resets-new@example.com");
    const confirm = await linkToken("resets-new@example.com", "email-change-confirm", "/confirm-email-change");
    await resetPassword(await issueUserToken(u.id, "reset_password"), "amber-meadow-tractor-31-clouds", {});
    expect(await pendingEmailChange(u.id)).toBeNull();
    await expect(confirmEmailChange(confirm, {})).rejects.toMatchObject({ code: "invalid_token" });
  });

  it("refuses expired links", async () => {
    const u = await verifiedUser("slow@example.com");
    await requestChange(u.id, "slow-new@example.com");
    const confirm = await linkToken("slow-new@example.com", "email-change-confirm", "/confirm-email-change");
    await expect(confirmEmailChange(confirm, {}, later(DAY + 60_000))).rejects.toMatchObject({ code: "invalid_token" });
    expect((await userRow(u.id)).email).toBe("slow@example.com");

    await confirmEmailChange(confirm, {});
    const revert = await linkToken("slow@example.com", "email-changed-notice", "/cancel-email-change");
    await expect(cancelEmailChange(revert, {}, later(7 * DAY + 60_000))).rejects.toMatchObject({ code: "invalid_token" });
    expect((await userRow(u.id)).email).toBe("slow-new@example.com");
  });

  it("an address taken in the meantime gets the same answer as a dead link and changes nothing", async () => {
    const u = await verifiedUser("mover2@example.com");
    await requestChange(u.id, "contested@example.com");
    const confirm = await linkToken("contested@example.com", "email-change-confirm", "/confirm-email-change");
    const other = await verifiedUser("contested@example.com");

    const taken = await confirmEmailChange(confirm, {}).catch((e: unknown) => e);
    const dead = await confirmEmailChange("x".repeat(43), {}).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(UserError);
    expect(taken).toMatchObject({ code: (dead as UserError).code, message: (dead as UserError).message });
    expect((await userRow(u.id)).email).toBe("mover2@example.com");
    expect((await userRow(other.id)).email).toBe("contested@example.com");
    const [audit] = await auditOf("user.email_changed", u.id);
    expect(audit).toMatchObject({ result: "failure" });
    expect(audit!.details).toMatchObject({ reason: "email_taken" });
  });

  it("answers the same for a taken address at the request, changes nothing, and tells its owner", async () => {
    const owner = await verifiedUser("taken@example.com");
    const u = await verifiedUser("mover@example.com");
    await expect(changeEmail(u.id, { newEmail: "taken@example.com", password: PASSWORD }, {})).resolves.toBeUndefined();
    expect((await userRow(u.id)).email).toBe("mover@example.com");
    expect((await userRow(owner.id)).email).toBe("taken@example.com");
    expect((await listOutbox({ to: "taken@example.com" })).map((m) => m.template)).toEqual(["already-registered"]);
    expect(await pendingEmailChange(u.id)).toBeNull();
  });

  it("makes a verification link for the previous address worthless", async () => {
    const u = await t.db().user.create({ data: { email: "first@example.com", passwordHash: await hashPassword(PASSWORD) } });
    const oldToken = await issueUserToken(u.id, "verify_email", { email: "first@example.com" });
    // Change the address without issuing a new link, so only the address check can refuse the old one.
    await t.db().user.update({ where: { id: u.id }, data: { email: "second@example.com" } });
    await expect(verifyEmail(oldToken, {})).rejects.toMatchObject({ code: "invalid_token" });
    expect((await userRow(u.id)).emailVerifiedAt).toBeNull();
  });

  it("counts wrong passwords on the sign-in throttle: they delay and lock the account as sign-in does", async () => {
    const u = await verifiedUser("guessed@example.com");
    const ctx = { ip: "192.0.2.77" };
    const attempt = (password: string) => changeEmail(u.id, { newEmail: "hijacker@example.com", password }, ctx).then(() => "changed", (e: UserError) => e.code);

    // LOGIN_DELAY_AFTER (3) wrong passwords: the next try waits, even with the right password,
    // and so does a sign-in to the account (one counter for both).
    for (let i = 0; i < 3; i++) expect(await attempt(`wrong guess number ${i}`)).toBe("invalid_credentials");
    expect(await attempt(PASSWORD)).toBe("throttled");
    // Audited as the signed-in user's, not an anonymous sign-in's.
    const throttled = await t.db().auditEvent.findFirstOrThrow({ where: { action: "login.throttled", targetId: u.id } });
    expect({ actorType: throttled.actorType, actorId: throttled.actorId }).toEqual({ actorType: "user", actorId: u.id });
    await expect(authenticateWithPassword({ email: "guessed@example.com", password: PASSWORD }, ctx)).rejects.toMatchObject({ code: "throttled" });

    // Up to LOGIN_LOCK_AFTER (10): the account locks and its owner is mailed, as for sign-in.
    for (let i = 3; i < 10; i++) {
      await expireThrottleWaits();
      expect(await attempt(`wrong guess number ${i}`)).toBe("invalid_credentials");
    }
    expect(await attempt(PASSWORD)).toBe("locked");
    const after = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(after.email).toBe("guessed@example.com");
    expect(after.lockedUntil).toBeInstanceOf(Date);
    expect((await listOutbox({ to: "guessed@example.com" })).map((m) => m.template)).toEqual(["account-locked"]);
    expect(await listOutbox({ to: "hijacker@example.com" })).toHaveLength(0);
  });
});
