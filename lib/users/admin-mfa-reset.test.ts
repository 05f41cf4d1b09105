// An administrator's reset of a user's second factors: only administrators, everything goes,
// audited as the administrator's act, and the owner is told.
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { beginTotpEnrolment, confirmTotpEnrolment, currentTotp, hasSecondFactor, trustDevice, isTrustedDevice } from "@/lib/factors";
import { adminResetSecondFactors, ADMIN_ROLE } from "./index";

const t = useTestDatabase();

async function userWithTwoStep() {
  const u = await t.db().user.create({ data: { email: `reset-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`, emailVerifiedAt: new Date() } });
  const user = { id: u.id, email: u.email! };
  const enrolment = await beginTotpEnrolment(user);
  await confirmTotpEnrolment(user, enrolment.factorId, await currentTotp(enrolment.secret, Math.floor(Date.now() / 1000)), {});
  const device = await trustDevice(user.id, {});
  return { user, device };
}

describe("administrator reset of two-step verification", () => {
  const admin = { id: crypto.randomUUID(), roles: [ADMIN_ROLE] };

  it("removes every factor, recovery code and trusted browser; audited as the administrator's; the owner is mailed", async () => {
    const { user, device } = await userWithTwoStep();
    expect(await t.db().recoveryCode.count({ where: { userId: user.id } })).toBe(10);
    const { removed } = await adminResetSecondFactors(admin, user.id, { ip: "192.0.2.9" });
    expect(removed).toBe(1);
    expect(await hasSecondFactor(user.id)).toBe(false);
    expect(await t.db().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await isTrustedDevice(user.id, device.token)).toBe(false);
    const [event] = await t.db().auditEvent.findMany({ where: { action: "mfa.reset_by_admin", targetId: user.id } });
    expect(event).toMatchObject({ actorType: "user", actorId: admin.id, ip: "192.0.2.9", details: { factorsRemoved: 1 } });
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: user.email!, template: "two-step-changed" }, orderBy: { createdAt: "desc" } });
    expect(mail.text).toMatch(/An administrator removed/);
  });

  it("refuses anyone without the administrator role, and an unknown or malformed user id", async () => {
    const { user } = await userWithTwoStep();
    await expect(adminResetSecondFactors({ id: user.id, roles: [] }, user.id, {})).rejects.toMatchObject({ code: "forbidden", permission: "users:reset_factors" });
    expect(await hasSecondFactor(user.id)).toBe(true);
    await expect(adminResetSecondFactors(admin, crypto.randomUUID(), {})).rejects.toMatchObject({ code: "not_found" });
    await expect(adminResetSecondFactors(admin, "not-a-uuid", {})).rejects.toMatchObject({ code: "not_found" });
  });
});
