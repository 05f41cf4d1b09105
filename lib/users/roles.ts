// Delegated administration: who holds which administrative role. Granting and taking away need
// roles:write and, for the grant itself, permissions held at least as widely as it gives
// (permissions.ts mayGrant): nobody hands out more than they hold. The last super administrator
// cannot be removed, so the tenant is never left without one.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail } from "@/lib/mail";
import { fieldErrorsOf } from "@/lib/errors";
import { isUuid } from "@/lib/formats";
import { ADMIN_ROLE, ROLE_LABELS, assertPermission, hasTenantWidePermission, mayGrant, type Actor, type Grant, type Permission, type Role } from "./permissions";
import { grantInputSchema } from "./roles.schema";
import { UserError } from "./users.errors";
import { publicLink } from "./links";
import { applicationExists, deleteGrant, findGrants, findRoleTarget, insertGrant, listActiveRoleHolders, listRoleHolders, lockSuperAdministrators, lockUser } from "./roles.repo";
import { withTransaction, type Tx } from "./users.repo";

export interface RoleHolder {
  id: string;
  email: string;
  displayName: string | null;
  grants: (Grant & { grantedAt: Date })[];
}

/** The people who hold an administrative role, with their grants. */
export async function listAdministrators(actor: Actor): Promise<RoleHolder[]> {
  assertPermission(actor, "roles:read");
  return (await listRoleHolders()).map((u) => ({
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    grants: u.roles.map((r) => ({ role: r.role as Role, scope: r.scope, grantedAt: r.createdAt })),
  }));
}

/** The enabled accounts holding `permission` tenant-wide: whom a system notice about that area goes to (a webhook disabled). */
export async function tenantWideHoldersOf(permission: Permission): Promise<{ id: string; email: string; displayName: string | null }[]> {
  return (await listActiveRoleHolders())
    .filter((u) => hasTenantWidePermission({ id: u.id, roles: u.roles.map((r) => (r.scope ? `${r.role}:${r.scope}` : r.role)) }, permission))
    .map((u) => ({ id: u.id, email: u.email, displayName: u.displayName }));
}

function parseGrant(input: unknown): Grant & { user: { id: string } | { email: string } } {
  const parsed = grantInputSchema.safeParse(input);
  if (!parsed.success) {
    const [field, message] = Object.entries(fieldErrorsOf(parsed.error.issues))[0] ?? ["role", "Check the role."];
    throw new UserError("invalid_input", message, { field });
  }
  const { user, role, scope } = parsed.data;
  return { role, scope, user: isUuid(user) ? { id: user } : { email: user } };
}

function describeGrant(g: Grant): string {
  return g.scope ? `${ROLE_LABELS[g.role]} (${g.scope})` : ROLE_LABELS[g.role];
}

/** The audit event (role.granted / role.revoked, the administrator as actor) and the mail to the person, in the change's transaction. */
async function recordRoleChange(actor: Actor, target: { id: string; email: string; displayName: string | null }, grant: Grant, change: "granted" | "revoked", ctx: RequestContext, tx: Tx): Promise<void> {
  await recordAudit(
    { actor: { type: "admin", id: actor.id }, action: `role.${change}`, target: { type: "user", id: target.id }, result: "success", context: ctx, details: { role: grant.role, scope: grant.scope } },
    tx,
  );
  await enqueueMail({ to: target.email, template: "role-changed", data: { change, role: describeGrant(grant), consoleLink: publicLink("/admin"), name: target.displayName ?? undefined } }, tx);
}

/**
 * The actor as their grants stand now (a background job started by an administrator acts with what
 * they hold when it runs, not what they held when they started it); no roles once their account is disabled.
 */
export async function currentActor(actorId: string): Promise<Actor> {
  return { id: actorId, roles: await findGrants(actorId) };
}

/** Gives `userId` the role (with its scope). Returns false when they already held it. */
export async function grantRole(actor: Actor, input: unknown, ctx: RequestContext): Promise<boolean> {
  assertPermission(actor, "roles:write");
  const grant = parseGrant(input);
  if (!mayGrant(actor, grant)) throw new UserError("forbidden", "You can only give a role whose permissions you hold yourself, as widely.", { field: "role" });
  return withTransaction(async (tx) => {
    const found = await findRoleTarget(grant.user, tx);
    if (!found) throw new UserError("not_found", "No account has this email address.", { field: "user" });
    await lockUser(found.id, tx);
    const target = (await findRoleTarget({ id: found.id }, tx))!;
    // The console asks for a strong second factor anyway; an unverified or disabled account cannot use one.
    if (!target.emailVerifiedAt || target.disabledAt) throw new UserError("forbidden", "Only an active account with a verified email can hold a role.", { field: "user" });
    if (grant.role === "app_admin" && !(await applicationExists(grant.scope!, tx))) throw new UserError("not_found", "There is no such application.", { field: "scope" });
    const added = await insertGrant(target.id, grant.role, grant.scope, tx);
    if (!added) return false;
    await recordRoleChange(actor, target, grant, "granted", ctx, tx);
    return true;
  });
}

/** Takes the role away. Refused for the last tenant-wide super administrator. */
export async function revokeRole(actor: Actor, input: unknown, ctx: RequestContext): Promise<boolean> {
  assertPermission(actor, "roles:write");
  const grant = parseGrant(input);
  if (!mayGrant(actor, grant)) throw new UserError("forbidden", "You can only take away a role whose permissions you hold yourself, as widely.", { field: "role" });
  return withTransaction(async (tx) => {
    const target = await findRoleTarget(grant.user, tx);
    if (!target) throw new UserError("not_found", "No account has this email address.", { field: "user" });
    if (grant.role === ADMIN_ROLE && grant.scope === null) {
      const holders = await lockSuperAdministrators(ADMIN_ROLE, tx);
      if (holders.includes(target.id) && holders.length === 1) {
        throw new UserError("last_admin", "This is the last super administrator: give the role to someone else first.", { field: "role" });
      }
    }
    const removed = await deleteGrant(target.id, grant.role, grant.scope, tx);
    if (!removed) return false;
    await recordRoleChange(actor, target, grant, "revoked", ctx, tx);
    return true;
  });
}
