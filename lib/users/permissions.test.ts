// The permission table, written out by hand (not derived from ROLE_PERMISSIONS): a change to a
// role's powers must change this test too.
import { describe, expect, it } from "vitest";
import {
  PERMISSIONS,
  ROLES,
  assertApplicationPermission,
  assertPermission,
  assertUserPermission,
  hasPermission,
  isConsoleUser,
  mayGrant,
  parseGrant,
  permissionScope,
  type Permission,
  type Role,
} from "./permissions";

const as = (...roles: string[]) => ({ id: "a", roles });

// role → the permissions it must hold; every other permission must be refused.
const EXPECTED: Record<Role, Permission[]> = {
  admin: [...PERMISSIONS],
  user_admin: ["users:read", "users:write", "users:delete", "users:unlock", "users:send_reset", "users:reset_factors", "users:import", "users:export", "roles:read", "roles:write", "attributes:read", "consents:read", "topics:read", "groups:read", "groups:write"],
  help_desk: ["users:read", "users:unlock", "users:send_reset", "users:reset_factors", "groups:read"],
  app_admin: ["applications:read", "applications:write"],
  security_analyst: ["risk:read", "risk:write", "audit:read", "users:read", "analytics:read", "connections:read"],
  auditor: [
    "users:read",
    "roles:read",
    "applications:read",
    "connections:read",
    "keys:read",
    "risk:read",
    "attributes:read",
    "consents:read",
    "topics:read",
    "legal:read",
    "audit:read",
    "audit:export",
    "analytics:read",
    "provisioning:read",
    "groups:read",
    "webhooks:read",
  ],
};

describe("permission table (role × permission → allowed)", () => {
  const cases = ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission, EXPECTED[role].includes(permission)] as const));

  it.each(cases)("%s × %s → %s", (role, permission, allowed) => {
    expect(hasPermission(as(role), permission)).toBe(allowed);
    if (allowed) expect(() => assertPermission(as(role), permission)).not.toThrow();
    else expect(() => assertPermission(as(role), permission)).toThrow(expect.objectContaining({ code: "forbidden", permission }));
  });

  it("the help desk may not delete, edit, change roles, applications or policy", () => {
    for (const p of ["users:delete", "users:write", "roles:write", "applications:write", "connections:write", "risk:write", "keys:write", "legal:write", "provisioning:write", "webhooks:write"] as const) {
      expect(hasPermission(as("help_desk"), p), p).toBe(false);
    }
  });

  it("the auditor changes nothing: every permission it holds is a read or the audit export", () => {
    expect(EXPECTED.auditor.every((p) => p.endsWith(":read") || p === "audit:export")).toBe(true);
  });

  it("a customer (no role), null, and roles this version does not know hold nothing", () => {
    for (const actor of [as(), null, as("owner"), as("superuser:x")]) {
      expect(isConsoleUser(actor)).toBe(false);
      expect(hasPermission(actor, "users:read")).toBe(false);
    }
  });
});

describe("scoped grants", () => {
  const appId = "7f1c1b7e-1111-4111-8111-111111111111";
  const otherApp = "7f1c1b7e-2222-4222-8222-222222222222";

  it("parse as role:scope", () => {
    expect(parseGrant("app_admin:" + appId)).toEqual({ role: "app_admin", scope: appId });
    expect(parseGrant("help_desk:region=EU")).toEqual({ role: "help_desk", scope: "region=EU" });
    expect(parseGrant("admin")).toEqual({ role: "admin", scope: null });
    expect(parseGrant("nope:x")).toBeNull();
  });

  it("an application administrator holds the named application only", () => {
    const actor = as(`app_admin:${appId}`);
    expect(permissionScope(actor, "applications:write")).toEqual([appId]);
    expect(() => assertApplicationPermission(actor, "applications:write", appId)).not.toThrow();
    expect(() => assertApplicationPermission(actor, "applications:write", otherApp)).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => assertApplicationPermission(as("admin"), "applications:write", otherApp)).not.toThrow();
    expect(() => assertApplicationPermission(as("auditor"), "applications:write", appId)).toThrow(expect.objectContaining({ code: "forbidden" }));
  });

  it("a help desk for region=EU acts on EU customers only", () => {
    const actor = as("help_desk:region=EU");
    expect(() => assertUserPermission(actor, "users:unlock", { attributes: { region: "EU" } })).not.toThrow();
    expect(() => assertUserPermission(actor, "users:unlock", { attributes: { region: "US" } })).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => assertUserPermission(actor, "users:unlock", { attributes: {} })).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => assertUserPermission(actor, "users:unlock", { attributes: null })).toThrow(expect.objectContaining({ code: "forbidden" }));
    // An application scope is not a segment: it gives nothing over customers.
    expect(() => assertUserPermission(as(`user_admin:${appId}`), "users:write", { attributes: {} })).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => assertUserPermission(as("help_desk"), "users:unlock", { attributes: { region: "US" } })).not.toThrow();
  });
});

describe("nobody grants more than they hold", () => {
  const appId = "7f1c1b7e-1111-4111-8111-111111111111";

  it("a super administrator grants anything", () => {
    for (const role of ROLES) expect(mayGrant(as("admin"), { role, scope: null }), role).toBe(true);
  });

  it("a user administrator makes help desk staff and user administrators, never a super administrator, auditor or analyst", () => {
    const ua = as("user_admin");
    expect(mayGrant(ua, { role: "help_desk", scope: null })).toBe(true);
    expect(mayGrant(ua, { role: "help_desk", scope: "region=EU" })).toBe(true);
    expect(mayGrant(ua, { role: "user_admin", scope: null })).toBe(true);
    for (const role of ["admin", "auditor", "security_analyst", "app_admin"] as const) expect(mayGrant(ua, { role, scope: null }), role).toBe(false);
    expect(mayGrant(ua, { role: "app_admin", scope: appId })).toBe(false);
  });

  it("a segment's user administrator delegates within the segment only", () => {
    const eu = as("user_admin:region=EU");
    expect(mayGrant(eu, { role: "help_desk", scope: "region=EU" })).toBe(true);
    expect(mayGrant(eu, { role: "help_desk", scope: "region=US" })).toBe(false);
    expect(mayGrant(eu, { role: "help_desk", scope: null })).toBe(false);
  });

  it("roles without roles:write grant nothing", () => {
    for (const role of ["help_desk", "auditor", "security_analyst", "app_admin"]) expect(mayGrant(as(role), { role: "help_desk", scope: null }), role).toBe(false);
  });
});

describe("segments read the customer's own scalar attribute only", () => {
  it("not an inherited property, not a list", () => {
    expect(() => assertUserPermission(as("help_desk:constructor=x"), "users:unlock", { attributes: {} })).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => assertUserPermission(as("help_desk:region=EU"), "users:unlock", { attributes: { region: ["EU"] } })).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => assertUserPermission(as("help_desk:tier=3"), "users:unlock", { attributes: { tier: 3 } })).not.toThrow();
  });
});
