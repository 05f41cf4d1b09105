// Accounts created by an administrator: by invitation (a single-use, expiring link that sets the
// password and verifies the address) or with a password (the policy applies); a segment's
// administrator only inside the segment; refused to roles without users:write.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/test/db";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { acceptInvitation, authenticateWithPassword, createUserByAdmin, previewInvitation, type Actor } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.45", userAgent: "vitest" };
const PASSWORD = "amber-meadow-tractor-31-clouds";
const as = (...roles: string[]): Actor => ({ id: crypto.randomUUID(), roles });
const userAdmin = as("user_admin");
const email = () => `new-${crypto.randomUUID().slice(0, 8)}@example.com`;

async function invitationToken(to: string): Promise<string> {
  const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to, template: "invitation" }, orderBy: { createdAt: "desc" } });
  return /accept-invitation\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
}

beforeEach(() => {
  resetFixedWindowLimitsForTests();
  resetLoginThrottleForTests();
  vi.useRealTimers();
});

describe("creating a user by invitation", () => {
  it("mails a link; using it sets the password and verifies the address; it works once", async () => {
    const to = email();
    const { userId } = await createUserByAdmin(userAdmin, { email: to, displayName: "Grace", attributes: {}, method: "invitation" }, ctx);
    const created = await t.db().user.findUniqueOrThrow({ where: { id: userId } });
    expect(created).toMatchObject({ passwordHash: null, emailVerifiedAt: null, displayName: "Grace" });
    expect(await t.db().auditEvent.findFirst({ where: { targetId: userId, action: "user.created_by_admin" } })).toMatchObject({ actorType: "admin", actorId: userAdmin.id, details: { method: "invitation" } });
    const token = await invitationToken(to);
    expect(await previewInvitation(token)).toEqual({ email: to });

    // A password the policy refuses does not spend the link.
    await expect(acceptInvitation(token, "short", ctx)).rejects.toMatchObject({ code: "password_policy" });
    await expect(acceptInvitation(token, PASSWORD, ctx)).resolves.toEqual({ userId, email: to });
    const after = await t.db().user.findUniqueOrThrow({ where: { id: userId } });
    expect(after.emailVerifiedAt).not.toBeNull();
    expect(after.passwordHash).not.toBeNull();
    await expect(authenticateWithPassword({ email: to, password: PASSWORD }, ctx)).resolves.toMatchObject({ id: userId });
    expect(await t.db().auditEvent.findFirst({ where: { targetId: userId, action: "user.invitation_accepted" } })).toMatchObject({ actorId: userId });

    // Single use.
    expect(await previewInvitation(token)).toBeNull();
    await expect(acceptInvitation(token, "another-long-password-77-trees", ctx)).rejects.toMatchObject({ code: "invalid_token" });
  });

  it("expires after 72 hours", async () => {
    const to = email();
    await createUserByAdmin(userAdmin, { email: to, attributes: {}, method: "invitation" }, ctx);
    const token = await invitationToken(to);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 72 * 3600_000 + 60_000);
    await expect(acceptInvitation(token, PASSWORD, ctx)).rejects.toMatchObject({ code: "invalid_token" });
    vi.useRealTimers();
    expect((await t.db().user.findFirstOrThrow({ where: { email: to } })).passwordHash).toBeNull();
  });

  it("an address with an account already is refused beside the field", async () => {
    const to = email();
    await createUserByAdmin(userAdmin, { email: to, attributes: {}, method: "invitation" }, ctx);
    await expect(createUserByAdmin(userAdmin, { email: to, attributes: {}, method: "invitation" }, ctx)).rejects.toMatchObject({ code: "email_taken", details: { field: "email" } });
  });
});

describe("creating a user with a password", () => {
  it("checks the policy; the account signs in with it; the owner is mailed", async () => {
    const to = email();
    await expect(createUserByAdmin(userAdmin, { email: to, attributes: {}, method: "password", password: "password", emailVerified: true }, ctx)).rejects.toMatchObject({ code: "password_policy" });
    expect(await t.db().user.count({ where: { email: to } })).toBe(0);
    const { userId } = await createUserByAdmin(userAdmin, { email: to, attributes: {}, method: "password", password: PASSWORD, emailVerified: true }, ctx);
    await expect(authenticateWithPassword({ email: to, password: PASSWORD }, ctx)).resolves.toMatchObject({ id: userId });
    expect(await t.db().mailMessage.findFirst({ where: { to, template: "account-changed-by-admin" } })).not.toBeNull();
  });

  it("an unverified address gets a verification link", async () => {
    const to = email();
    await createUserByAdmin(userAdmin, { email: to, attributes: {}, method: "password", password: PASSWORD, emailVerified: false }, ctx);
    expect(await t.db().mailMessage.findFirst({ where: { to, template: "verify-email" } })).not.toBeNull();
  });
});

describe("who may create", () => {
  it.each([["help_desk"], ["security_analyst"], ["auditor"], ["app_admin:x"]])("%s may not", async (role) => {
    const to = email();
    await expect(createUserByAdmin(as(role), { email: to, attributes: {}, method: "invitation" }, ctx)).rejects.toMatchObject({ name: "PermissionError", code: "forbidden" });
    expect(await t.db().user.count({ where: { email: to } })).toBe(0);
  });

  it("a segment's administrator must give the new account the segment's value", async () => {
    const eu = as("user_admin:region=EU");
    const to = email();
    await expect(createUserByAdmin(eu, { email: to, attributes: {}, method: "invitation" }, ctx)).rejects.toMatchObject({ code: "outside_segment", details: { field: "attr.region" } });
    await expect(createUserByAdmin(eu, { email: to, attributes: { region: "US" }, method: "invitation" }, ctx)).rejects.toMatchObject({ code: "outside_segment" });
    const { userId } = await createUserByAdmin(eu, { email: to, attributes: { region: "EU" }, method: "invitation" }, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: userId } })).attributes).toEqual({ region: "EU" });
  });
});
