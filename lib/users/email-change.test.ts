import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { listOutbox } from "@/lib/mail";
import { createSession, validateSession } from "@/lib/sessions";
import { authenticateWithPassword, changeEmail, UserError, verifyEmail } from "./index";
import { hashPassword } from "@/lib/credentials";

const t = useTestDatabase();
const PASSWORD = "river stone candle 1987";

async function verifiedUser(email: string) {
  return t.db().user.create({ data: { email, passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() } });
}

/** Lets the running progressive wait (or lock) of the sign-in throttle run out. */
async function expireThrottleWaits() {
  await t.db().rateLimiterFlexible.updateMany({ where: { key: { contains: ":login-wait:" } }, data: { expire: new Date(Date.now() - 1000) } });
}

describe("changing the email address", () => {
  it("needs the current password and changes nothing without it", async () => {
    const u = await verifiedUser("keep@example.com");
    const err = await changeEmail(u.id, { newEmail: "new-keep@example.com", password: "wrong password here" }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.code).toBe("invalid_credentials");
    const after = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(after.email).toBe("keep@example.com");
    expect(after.emailVerifiedAt).not.toBeNull();
  });

  it("re-verifies the new address and notifies the old one", async () => {
    const u = await verifiedUser("old@example.com");
    const session = await createSession(u.id, {});
    await changeEmail(u.id, { newEmail: "new@example.com", password: PASSWORD }, { ip: "192.0.2.1" });
    const after = await t.db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(after.email).toBe("new@example.com");
    expect(after.emailVerifiedAt).toBeNull();
    expect((await validateSession(session.token))?.user.emailVerified).toBe(false);

    const [notice] = await listOutbox({ to: "old@example.com" });
    expect(notice?.template).toBe("email-changed-notice");
    const [verify] = await listOutbox({ to: "new@example.com" });
    expect(verify?.template).toBe("verify-email");
    const token = new URL(verify!.text.match(/https?:\/\/\S+/)![0]).searchParams.get("token")!;
    await verifyEmail(token, {});
    expect((await t.db().user.findUniqueOrThrow({ where: { id: u.id } })).emailVerifiedAt).not.toBeNull();
    const audit = await t.db().auditEvent.findFirst({ where: { action: "user.email_changed", targetId: u.id } });
    expect(audit?.ip).toBe("192.0.2.1");
  });

  it("answers the same for a taken address, changes nothing, and tells its owner", async () => {
    const owner = await verifiedUser("taken@example.com");
    const u = await verifiedUser("mover@example.com");
    await expect(changeEmail(u.id, { newEmail: "taken@example.com", password: PASSWORD }, {})).resolves.toBeUndefined();
    expect((await t.db().user.findUniqueOrThrow({ where: { id: u.id } })).email).toBe("mover@example.com");
    expect((await t.db().user.findUniqueOrThrow({ where: { id: owner.id } })).email).toBe("taken@example.com");
    const [mail] = await listOutbox({ to: "taken@example.com" });
    expect(mail?.template).toBe("already-registered");
  });

  it("makes a verification link for the previous address worthless", async () => {
    const u = await t.db().user.create({ data: { email: "first@example.com", passwordHash: await hashPassword(PASSWORD) } });
    const { issueUserToken } = await import("./user-tokens");
    const oldToken = await issueUserToken(u.id, "verify_email", { email: "first@example.com" });
    // Change the address without issuing a new link, so only the address check can refuse the old one.
    await t.db().user.update({ where: { id: u.id }, data: { email: "second@example.com" } });
    await expect(verifyEmail(oldToken, {})).rejects.toMatchObject({ code: "invalid_token" });
    expect((await t.db().user.findUniqueOrThrow({ where: { id: u.id } })).emailVerifiedAt).toBeNull();
  });

  it("counts wrong passwords on the sign-in throttle: they delay and lock the account as sign-in does", async () => {
    const u = await verifiedUser("guessed@example.com");
    const ctx = { ip: "192.0.2.77" };
    const attempt = (password: string) => changeEmail(u.id, { newEmail: "hijacker@example.com", password }, ctx).then(() => "changed", (e: UserError) => e.code);

    // LOGIN_DELAY_AFTER (3) wrong passwords: the next try waits, even with the right password,
    // and so does a sign-in to the account (one counter for both).
    for (let i = 0; i < 3; i++) expect(await attempt(`wrong guess number ${i}`)).toBe("invalid_credentials");
    expect(await attempt(PASSWORD)).toBe("throttled");
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
