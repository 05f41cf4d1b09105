// Who may do what in the console (delegated administration). Every administrative domain function
// names the permission it needs and asserts it here, the one place; the console's pages and
// navigation only mirror it. A role is a fixed set of permissions; a grant is a role held by a user,
// optionally narrowed by a scope:
//   - app_admin:<application id>   an application administrator for that application only;
//   - <role>:<attribute>=<value>   user administration limited to the customers whose custom
//                                  attribute has that value (a customer segment, e.g. region=EU).
// Actor.roles holds the grants as strings, "role" or "role:scope" (the session reads them that way).
import { PermissionError } from "@/lib/errors";

export interface Actor {
  id: string;
  roles: string[];
}

export const PERMISSIONS = [
  "users:read",
  "users:write",
  "users:delete",
  "users:unlock",
  "users:send_reset",
  "users:reset_factors",
  "users:import",
  "users:export",
  "roles:read",
  "roles:write",
  "applications:read",
  "applications:write",
  "connections:read",
  "connections:write",
  "keys:read",
  "keys:write",
  "risk:read",
  "risk:write",
  "attributes:read",
  "attributes:write",
  "consents:read",
  "consents:write",
  "topics:read",
  "topics:write",
  "legal:read",
  "legal:write",
  "audit:read",
  "audit:export",
  "audit:retention",
  "analytics:read",
  "provisioning:read",
  "provisioning:write",
  "groups:read",
  "groups:write",
  "webhooks:read",
  "webhooks:write",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** The super administrator: every permission. Kept as "admin", the name the first administrator was created with. */
export const ADMIN_ROLE = "admin";

export const ROLES = ["admin", "user_admin", "help_desk", "app_admin", "security_analyst", "auditor"] as const;
export type Role = (typeof ROLES)[number];

const READ_ONLY = PERMISSIONS.filter((p) => p.endsWith(":read"));

/** Role → permissions. The table the per-role tests walk (permissions.test.ts). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  user_admin: [
    "users:read",
    "users:write",
    "users:delete",
    "users:unlock",
    "users:send_reset",
    "users:reset_factors",
    "users:import",
    "users:export",
    "roles:read",
    "roles:write",
    "attributes:read",
    "consents:read",
    "topics:read",
    "groups:read",
    "groups:write",
  ],
  // Support: find a customer and get them back in; never delete, never change roles, applications or policy.
  help_desk: ["users:read", "users:unlock", "users:send_reset", "users:reset_factors", "groups:read"],
  // Only with a scope naming the application (app_admin:<id>); the application functions check the scope.
  // Not connections: they choose which existing ones their application offers (applications:write).
  app_admin: ["applications:read", "applications:write"],
  security_analyst: ["risk:read", "risk:write", "audit:read", "users:read", "analytics:read", "connections:read"],
  auditor: [...READ_ONLY, "audit:export"],
};

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: "Super administrator",
  user_admin: "User administrator",
  help_desk: "Help desk",
  app_admin: "Application administrator",
  security_analyst: "Security analyst",
  auditor: "Auditor",
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export interface Grant {
  role: Role;
  /** null: the whole tenant. */
  scope: string | null;
}

/** "role" or "role:scope" → a grant; a role this version does not know grants nothing. */
export function parseGrant(text: string): Grant | null {
  const colon = text.indexOf(":");
  const role = colon < 0 ? text : text.slice(0, colon);
  const scope = colon < 0 ? null : text.slice(colon + 1) || null;
  return isRole(role) ? { role, scope } : null;
}

export function grantText(grant: Grant): string {
  return grant.scope ? `${grant.role}:${grant.scope}` : grant.role;
}

export function grantsOf(actor: Actor | null | undefined): Grant[] {
  return (actor?.roles ?? []).map(parseGrant).filter((g): g is Grant => g !== null);
}

/** A customer segment scope: "<attribute>=<value>". */
export interface Segment {
  attribute: string;
  value: string;
}

export function segmentOf(scope: string | null): Segment | null {
  if (!scope) return null;
  const eq = scope.indexOf("=");
  if (eq <= 0) return null;
  return { attribute: scope.slice(0, eq), value: scope.slice(eq + 1) };
}

/** Holds the super administrator role. */
export function isAdmin(actor: Actor | null | undefined): boolean {
  return grantsOf(actor).some((g) => g.role === ADMIN_ROLE && g.scope === null);
}

/** Holds any administrative role: may open the console (each page and action then checks its own permission). */
export function isConsoleUser(actor: Actor | null | undefined): boolean {
  return grantsOf(actor).length > 0;
}

/** The grants that give `permission`. */
function grantsWith(actor: Actor | null | undefined, permission: Permission): Grant[] {
  return grantsOf(actor).filter((g) => ROLE_PERMISSIONS[g.role].includes(permission));
}

/**
 * Holds `permission` somewhere: tenant-wide, for an application, or for a customer segment. Pages
 * and navigation use it; the domain function then narrows with permissionScope.
 */
export function hasPermission(actor: Actor | null | undefined, permission: Permission): boolean {
  return grantsWith(actor, permission).length > 0;
}

/** Throws PermissionError (code "forbidden") unless the actor holds the permission somewhere. */
export function assertPermission(actor: Actor | null | undefined, permission: Permission): void {
  if (!hasPermission(actor, permission)) throw new PermissionError(permission);
}

/**
 * Where the actor holds `permission`: "all" (a tenant-wide grant), or the list of scopes of its
 * scoped grants (application ids for app_admin, segments for user roles); [] when not at all.
 */
export function permissionScope(actor: Actor | null | undefined, permission: Permission): "all" | string[] {
  const grants = grantsWith(actor, permission);
  if (grants.some((g) => g.scope === null)) return "all";
  return grants.map((g) => g.scope as string);
}

/** For what no scope narrows (creating an application, registration tokens): the permission held tenant-wide. */
export function hasTenantWidePermission(actor: Actor | null | undefined, permission: Permission): boolean {
  return permissionScope(actor, permission) === "all";
}

export function assertTenantWidePermission(actor: Actor | null | undefined, permission: Permission): void {
  if (!hasTenantWidePermission(actor, permission)) throw new PermissionError(permission);
}

/** For an application's functions: the permission, tenant-wide or for this application. */
export function assertApplicationPermission(actor: Actor | null | undefined, permission: Permission, applicationId: string): void {
  if (!canActOnApplication(actor, permission, applicationId)) throw new PermissionError(permission);
}

/** Whether the permission covers this application: tenant-wide, or the application is in its scope. */
export function canActOnApplication(actor: Actor | null | undefined, permission: Permission, applicationId: string): boolean {
  const scope = permissionScope(actor, permission);
  return scope === "all" || scope.includes(applicationId);
}

/**
 * For a function acting on one customer: the permission, tenant-wide or for a segment the customer
 * is in (their custom attributes). A scope that is not a segment grants nothing here.
 */
export function assertUserPermission(actor: Actor | null | undefined, permission: Permission, target: { attributes: unknown }): void {
  if (!canActOnUser(actor, permission, target)) throw new PermissionError(permission);
}

export function canActOnUser(actor: Actor | null | undefined, permission: Permission, target: { attributes: unknown }): boolean {
  const scope = permissionScope(actor, permission);
  if (scope === "all") return true;
  const attributes = (target.attributes && typeof target.attributes === "object" ? target.attributes : {}) as Record<string, unknown>;
  return scope.some((s) => {
    const segment = segmentOf(s);
    if (segment === null || !Object.hasOwn(attributes, segment.attribute)) return false;
    // A scalar equal to the segment's value, as the list's containment filter (attributes @> {attr: value}) reads it.
    const value = attributes[segment.attribute];
    return (typeof value === "string" || typeof value === "number" || typeof value === "boolean") && String(value) === segment.value;
  });
}

/** The permissions a grant gives, for the rule that nobody grants more than they hold. */
function permissionsOfGrant(grant: Grant): readonly Permission[] {
  return ROLE_PERMISSIONS[grant.role];
}

/**
 * Whether `actor` may grant (or take away) `grant`: roles:write, and every permission of the grant
 * held at least as widely (a tenant-wide grant needs tenant-wide holdings; a scoped one, the same
 * scope or tenant-wide). So a user administrator can make help desk staff but not a super
 * administrator, and a segment's administrator can only delegate within the segment.
 */
export function mayGrant(actor: Actor | null | undefined, grant: Grant): boolean {
  if (!hasPermission(actor, "roles:write")) return false;
  return permissionsOfGrant(grant).every((permission) => {
    const scope = permissionScope(actor, permission);
    if (scope === "all") return true;
    return grant.scope !== null && scope.includes(grant.scope);
  });
}
