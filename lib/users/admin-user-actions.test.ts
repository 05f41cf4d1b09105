// The console's actions on one customer: each works for a role holding its permission, is refused
// (PermissionError "forbidden") for each role that does not, and for a segment's administrator
// outside the segment; each is audited with the administrator as actor and mails the customer.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { hashPassword } from "@/lib/credentials";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import {
  adminResetSecondFactors,
  authenticateWithPassword,
  disableAccount,
  enableAccount,
  getUserForAdmin,
  lockAccountByAdmin,
  requirePasswordReset,
  resetPassword,
  scheduleAccountDeletion,
  sendPasswordResetLink,
  setEmailVerified,
  unlockAccountByAdmin,
  type Actor,
} from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.44", userAgent: "vitest" };
const PASSWORD = "amber-meadow-tractor-31-clouds";

const as = (...roles: string[]): Actor => ({ id: crypto.randomUUID(), roles });
const superAdmin = as("admin");
const userAdmin = as("user_admin");
const helpDesk = as("help_desk");
const helpDeskEu = as("help_desk:region=EU");
const analyst = as("security_analyst");
const auditor = as("auditor");

async function customer(attributes: Record<string, string> = { region: "US" }, extra: { lockedUntil?: Date; disabledAt?: Date; emailVerifiedAt?: Date | null } = {}) {
  const email = `c-${crypto.randomUUID().slice(0, 8)}@example.com`;
  return t.db().user.create({ data: { email, displayName: "Ada", passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date(), attributes, ...extra } });
}

async function auditOf(userId: string, action: string) {
  return t.db().auditEvent.findFirst({ where: { targetId: userId, action }, orderBy: { id: "desc" } });
}

async function mailTo(email: string, template: string) {
  return t.db().mailMessage.findFirst({ where: { to: email, template }, orderBy: { createdAt: "desc" } });
}

function expectForbidden(p: Promise<unknown>) {
  return expect(p).rejects.toMatchObject({ name: "PermissionError", code: "forbidden" });
}

beforeEach(() => {
  resetFixedWindowLimitsForTests();
  resetLoginThrottleForTests();
});

describe("users:write actions", () => {
  const refused = [helpDesk, helpDeskEu, analyst, auditor];

  it("disable: refuses sign-in, audited as the administrator's, mailed; enable reverses it", async () => {
    const c = await customer();
    await disableAccount(userAdmin, c.id, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).disabledAt).not.toBeNull();
    await expect(authenticateWithPassword({ email: c.email!, password: PASSWORD }, ctx)).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(await auditOf(c.id, "user.disabled")).toMatchObject({ actorType: "admin", actorId: userAdmin.id, ip: ctx.ip });
    expect((await mailTo(c.email!, "account-changed-by-admin"))?.text).toMatch(/disabled your account/);
    await expect(disableAccount(userAdmin, c.id, ctx)).rejects.toMatchObject({ code: "no_change" });

    await enableAccount(superAdmin, c.id, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).disabledAt).toBeNull();
    expect(await auditOf(c.id, "user.enabled")).toMatchObject({ actorType: "admin", actorId: superAdmin.id });
    expect((await mailTo(c.email!, "account-changed-by-admin"))?.text).toMatch(/enabled your account again/);
  });

  it.each(refused.map((a) => [a.roles[0], a]))("disable and enable are refused to %s", async (_name, actor) => {
    const c = await customer({ region: "EU" });
    await expectForbidden(disableAccount(actor, c.id, ctx));
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).disabledAt).toBeNull();
    const d = await customer({ region: "EU" }, { disabledAt: new Date() });
    await expectForbidden(enableAccount(actor, d.id, ctx));
  });

  it("verify and un-verify the address", async () => {
    const c = await customer({}, { emailVerifiedAt: null });
    await setEmailVerified(userAdmin, c.id, true, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).emailVerifiedAt).not.toBeNull();
    expect(await auditOf(c.id, "user.email_verified_by_admin")).toMatchObject({ actorType: "admin", actorId: userAdmin.id });
    expect((await mailTo(c.email!, "account-changed-by-admin"))?.text).toMatch(/marked your email address as verified/);
    await setEmailVerified(userAdmin, c.id, false, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).emailVerifiedAt).toBeNull();
    expect(await auditOf(c.id, "user.email_unverified_by_admin")).toMatchObject({ actorId: userAdmin.id });
    for (const actor of refused) await expectForbidden(setEmailVerified(actor, c.id, true, ctx));
  });

  it("lock: sign-in refused even with the right password, for the chosen time; refused to roles without users:write", async () => {
    const c = await customer();
    const { lockedUntil } = await lockAccountByAdmin(userAdmin, c.id, 60, ctx);
    expect(lockedUntil.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    await expect(authenticateWithPassword({ email: c.email!, password: PASSWORD }, ctx)).rejects.toMatchObject({ code: "locked" });
    expect(await auditOf(c.id, "user.locked_by_admin")).toMatchObject({ actorType: "admin", actorId: userAdmin.id, details: { minutes: 60 } });
    expect((await mailTo(c.email!, "account-changed-by-admin"))?.text).toMatch(/locked sign-in/);
    await expect(lockAccountByAdmin(userAdmin, c.id, 5, ctx)).rejects.toMatchObject({ code: "no_change" });
    for (const actor of refused) await expectForbidden(lockAccountByAdmin(actor, c.id, 60, ctx));
  });

  it("require a new password: every sign-in refused until the owner resets it; the reset link works and lifts it", async () => {
    const c = await customer();
    await requirePasswordReset(userAdmin, c.id, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).passwordResetRequiredAt).not.toBeNull();
    expect(await auditOf(c.id, "password.reset_forced")).toMatchObject({ actorType: "admin", actorId: userAdmin.id, details: { reason: "administrator" } });
    const reset = await mailTo(c.email!, "reset-password");
    const token = /token=([A-Za-z0-9_-]+)/.exec(reset!.text)![1]!;
    expect((await mailTo(c.email!, "account-changed-by-admin"))?.text).toMatch(/choose a new password/);
    await resetPassword(token, "silver-canyon-whistle-58-ferns", ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).passwordResetRequiredAt).toBeNull();
    for (const actor of refused) await expectForbidden(requirePasswordReset(actor, c.id, ctx));
  });

  it("an administrator cannot disable or lock their own account", async () => {
    const self = await customer();
    const me: Actor = { id: self.id, roles: ["admin"] };
    await expect(disableAccount(me, self.id, ctx)).rejects.toMatchObject({ code: "own_account" });
    await expect(lockAccountByAdmin(me, self.id, 60, ctx)).rejects.toMatchObject({ code: "own_account" });
    await expect(adminResetSecondFactors(me, self.id, ctx)).rejects.toMatchObject({ code: "own_account" });
  });

  it("an unknown or malformed id is not_found for a role that holds the permission", async () => {
    await expect(disableAccount(userAdmin, crypto.randomUUID(), ctx)).rejects.toMatchObject({ code: "not_found" });
    await expect(disableAccount(userAdmin, "nope", ctx)).rejects.toMatchObject({ code: "not_found" });
    await expectForbidden(disableAccount(auditor, crypto.randomUUID(), ctx));
  });
});

describe("users:unlock", () => {
  it("help desk unlocks; audited and mailed; sign-in works again", async () => {
    const c = await customer({ region: "US" }, { lockedUntil: new Date(Date.now() + 3600_000) });
    await unlockAccountByAdmin(helpDesk, c.id, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: c.id } })).lockedUntil).toBeNull();
    expect(await auditOf(c.id, "user.unlocked")).toMatchObject({ actorType: "admin", actorId: helpDesk.id, details: { via: "administrator" } });
    expect((await mailTo(c.email!, "account-changed-by-admin"))?.text).toMatch(/unlocked your account/);
    await expect(authenticateWithPassword({ email: c.email!, password: PASSWORD }, ctx)).resolves.toMatchObject({ id: c.id });
  });

  it("a help desk scoped to region=EU unlocks an EU customer but not a US one", async () => {
    const eu = await customer({ region: "EU" }, { lockedUntil: new Date(Date.now() + 3600_000) });
    const us = await customer({ region: "US" }, { lockedUntil: new Date(Date.now() + 3600_000) });
    await unlockAccountByAdmin(helpDeskEu, eu.id, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: eu.id } })).lockedUntil).toBeNull();
    await expectForbidden(unlockAccountByAdmin(helpDeskEu, us.id, ctx));
    expect((await t.db().user.findUniqueOrThrow({ where: { id: us.id } })).lockedUntil).not.toBeNull();
  });

  it.each([analyst, auditor].map((a) => [a.roles[0], a]))("is refused to %s", async (_n, actor) => {
    const c = await customer({}, { lockedUntil: new Date(Date.now() + 3600_000) });
    await expectForbidden(unlockAccountByAdmin(actor, c.id, ctx));
  });
});

describe("users:send_reset", () => {
  it("help desk sends the reset mail, audited as theirs", async () => {
    const c = await customer();
    await sendPasswordResetLink(helpDesk, c.id, ctx);
    expect((await mailTo(c.email!, "reset-password"))?.text).toMatch(/reset-password\?token=/);
    expect(await auditOf(c.id, "password.reset_requested")).toMatchObject({ actorType: "admin", actorId: helpDesk.id, result: "success" });
    await expectForbidden(sendPasswordResetLink(analyst, c.id, ctx));
    await expectForbidden(sendPasswordResetLink(auditor, c.id, ctx));
    await expectForbidden(sendPasswordResetLink(helpDeskEu, c.id, ctx));
  });
});

describe("users:reset_factors", () => {
  it("is the permission adminResetSecondFactors asks for: help desk may, the auditor and analyst may not", async () => {
    const c = await customer();
    await expect(adminResetSecondFactors(helpDesk, c.id, ctx)).resolves.toEqual({ removed: 0 });
    expect(await auditOf(c.id, "mfa.reset_by_admin")).toMatchObject({ actorId: helpDesk.id });
    await expect(adminResetSecondFactors(auditor, c.id, ctx)).rejects.toMatchObject({ code: "forbidden", permission: "users:reset_factors" });
    await expectForbidden(adminResetSecondFactors(analyst, c.id, ctx));
    await expectForbidden(adminResetSecondFactors(helpDeskEu, c.id, ctx));
  });
});

describe("users:delete with the grace period", () => {
  it("user administrator schedules it (audited, mailed); help desk, analyst and auditor cannot", async () => {
    const c = await customer();
    for (const actor of [helpDesk, analyst, auditor]) await expectForbidden(scheduleAccountDeletion(actor, c.id, ctx));
    const { erasureDueAt } = await scheduleAccountDeletion(userAdmin, c.id, ctx);
    expect(erasureDueAt.getTime()).toBeGreaterThan(Date.now());
    expect(await auditOf(c.id, "user.deletion_requested")).toMatchObject({ actorType: "admin", actorId: userAdmin.id });
    expect(await mailTo(c.email!, "account-deletion-scheduled")).not.toBeNull();
  });
});

describe("users:read", () => {
  it("every console role holding it reads the account; a segment's reader only the segment; no secrets", async () => {
    const us = await customer({ region: "US" });
    for (const actor of [superAdmin, userAdmin, helpDesk, analyst, auditor]) {
      const detail = await getUserForAdmin(actor, us.id);
      expect(detail).toMatchObject({ id: us.id, email: us.email, status: "active", passwordSet: true, attributes: { region: "US" } });
      expect(detail).not.toHaveProperty("passwordHash");
    }
    await expectForbidden(getUserForAdmin(helpDeskEu, us.id));
    await expectForbidden(getUserForAdmin(as("app_admin:some-app"), us.id));
    expect(await getUserForAdmin(userAdmin, crypto.randomUUID())).toBeNull();
  });
});

describe("actions on another administrator's account", () => {
  async function holder(...roles: string[]) {
    const u = await customer({ region: "EU" });
    for (const r of roles) {
      const [role, scope] = r.includes(":") ? [r.slice(0, r.indexOf(":")), r.slice(r.indexOf(":") + 1)] : [r, null];
      await t.db().userRole.create({ data: { userId: u.id, role: role!, scope } });
    }
    return u;
  }

  it("need every role the account holds to be one the actor could give: a user administrator cannot disable, lock, reset or delete a super administrator", async () => {
    const admin = await holder("admin");
    await expectForbidden(disableAccount(userAdmin, admin.id, ctx));
    await expectForbidden(lockAccountByAdmin(userAdmin, admin.id, 60, ctx));
    await expectForbidden(requirePasswordReset(userAdmin, admin.id, ctx));
    await expectForbidden(scheduleAccountDeletion(userAdmin, admin.id, ctx));
    await expectForbidden(adminResetSecondFactors(userAdmin, admin.id, ctx));
    const after = await t.db().user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(after).toMatchObject({ disabledAt: null, lockedUntil: null, deletionDueAt: null });
    // A super administrator may.
    await disableAccount(superAdmin, admin.id, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: admin.id } })).disabledAt).not.toBeNull();
  });

  it("a help desk (no roles:write) acts on no role holder, even in its segment; a user administrator acts on help desk staff", async () => {
    const staff = await holder("help_desk");
    await t.db().user.update({ where: { id: staff.id }, data: { lockedUntil: new Date(Date.now() + 3_600_000) } });
    await expectForbidden(unlockAccountByAdmin(helpDeskEu, staff.id, ctx));
    await expectForbidden(unlockAccountByAdmin(helpDesk, staff.id, ctx));
    await expectForbidden(sendPasswordResetLink(helpDesk, staff.id, ctx));
    await unlockAccountByAdmin(userAdmin, staff.id, ctx);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: staff.id } })).lockedUntil).toBeNull();
  });
});
