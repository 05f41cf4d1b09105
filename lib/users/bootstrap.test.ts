import { describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { hashPassword, verifyPassword } from "@/lib/credentials";
import { listAuditEvents } from "@/lib/audit";
import { ADMIN_ROLE, ensureBootstrapAdmin } from "./index";

const t = useTestDatabase();
const ADMIN_PASSWORD = "granite-lighthouse-fog-horn-1901";

async function createCustomer(email: string, displayName?: string) {
  return t.db().user.create({ data: { email, displayName, passwordHash: await hashPassword("customer-owned-passphrase-8") } });
}

// The tests share one database and build on each other, in order.
describe(`bootstrap administrator on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("does nothing when not configured", async () => {
    expect(await ensureBootstrapAdmin(undefined, undefined)).toBe("not_configured");
    expect(await ensureBootstrapAdmin("admin@example.com", undefined)).toBe("not_configured");
    expect(await ensureBootstrapAdmin(undefined, ADMIN_PASSWORD)).toBe("not_configured");
    expect(await t.db().user.count()).toBe(0);
  });

  it("refuses to take over an email a customer already owns", async () => {
    const customer = await createCustomer("taken@example.com", "Customer");
    expect(await ensureBootstrapAdmin("Taken@Example.com", ADMIN_PASSWORD)).toBe("email_taken");
    const row = await t.db().user.findUniqueOrThrow({ where: { id: customer.id }, include: { roles: true } });
    expect(row.roles).toEqual([]);
    expect(row.passwordHash).toBe(customer.passwordHash);
    expect(await verifyPassword(row.passwordHash!, ADMIN_PASSWORD)).toBe(false);
    expect(await t.db().userRole.count()).toBe(0);
    expect(await listAuditEvents({ action: "admin.bootstrapped" })).toHaveLength(0);
  });

  it("creates the administrator once, verified, with the admin role, and audits it", async () => {
    expect(await ensureBootstrapAdmin(" Root@Example.com ", ADMIN_PASSWORD)).toBe("created");
    const admin = await t.db().user.findUniqueOrThrow({ where: { email: "root@example.com" }, include: { roles: true } });
    expect(admin.roles.map((r) => r.role)).toEqual([ADMIN_ROLE]);
    expect(admin.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await verifyPassword(admin.passwordHash!, ADMIN_PASSWORD)).toBe(true);
    const events = await listAuditEvents({ action: "admin.bootstrapped" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "system", targetId: admin.id, result: "success" });
  });

  it("never creates a second administrator nor changes the first one's password", async () => {
    const admin = await t.db().user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(await ensureBootstrapAdmin("root@example.com", "a-completely-different-password-1")).toBe("admin_exists");
    expect(await ensureBootstrapAdmin("second-admin@example.com", ADMIN_PASSWORD)).toBe("admin_exists");
    // Concurrent starts of several nodes.
    expect(await Promise.all([1, 2, 3].map(() => ensureBootstrapAdmin("root@example.com", "yet-another-password-2")))).toEqual([
      "admin_exists",
      "admin_exists",
      "admin_exists",
    ]);

    const after = await t.db().user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(after.passwordHash).toBe(admin.passwordHash);
    expect(after.updatedAt).toEqual(admin.updatedAt);
    expect(await verifyPassword(after.passwordHash!, ADMIN_PASSWORD)).toBe(true);
    expect(await t.db().user.count({ where: { email: "second-admin@example.com" } })).toBe(0);
    expect(await t.db().userRole.count({ where: { role: ADMIN_ROLE } })).toBe(1);
    expect(await listAuditEvents({ action: "admin.bootstrapped" })).toHaveLength(1);
  });
});
