// Application roles: the roles an application defines, held by users directly or through a group,
// released in its tokens under the claim names it chose (Application.rolesClaim, groupsClaim), and
// optionally required to sign in to it (requireRole). Authorised like every other per-application
// setting (applications:read / applications:write, an application administrator for theirs only);
// every change is audited in its transaction.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { fieldErrorsOf } from "@/lib/errors";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { isUuid } from "@/lib/formats";
import { assertApplicationPermission, type Actor } from "@/lib/users";
import { normalizedEmail } from "@/lib/users/users.schema";
import { ApplicationError } from "./applications.errors";
import { findApplicationById, isUniqueViolation, updateApplicationRow, withTransaction, type Tx } from "./applications.repo";
import { toApplicationDto } from "./dto";
import type { ApplicationDto } from "./applications.schema";
import {
  deleteAssignment,
  deleteRoleRow,
  findGroupIdByName,
  findRole,
  findUserIdByEmail,
  groupExists,
  holdersOf,
  insertAssignment,
  insertRole,
  listRoleNames,
  listRoleRows,
  selectEntitlements,
  updateRoleRow,
  userExists,
  type ApplicationRoleRecord,
} from "./roles.repo";
import { roleClaimsSchema, roleInputSchema, type ApplicationRoleDto, type Entitlements, type RoleInput } from "./roles.schema";

/** Who holds a role: one account or every member of one group. */
export type RoleHolder = { userId: string } | { groupId: string };

const audited = (actor: Actor, applicationId: string, action: string, ctx: RequestContext, details: Record<string, unknown>, tx: Tx) =>
  recordAudit({ actor: { type: "admin", id: actor.id }, action, target: { type: "application", id: applicationId }, result: "success", context: ctx, details }, tx);

function invalid(field: string, message: string): ApplicationError {
  return new ApplicationError("invalid_input", message, { field, fieldErrors: { [field]: message } });
}

function parseRole(input: unknown): RoleInput {
  const r = roleInputSchema.safeParse(input);
  if (r.success) return r.data;
  const fieldErrors = fieldErrorsOf(r.error.issues);
  const [field, message] = Object.entries(fieldErrors)[0] ?? ["name", "Check the role."];
  throw new ApplicationError("invalid_input", message, { field, fieldErrors });
}

async function applicationFor(id: string, tx?: Tx) {
  const row = isUuid(id) ? await findApplicationById(id, tx) : null;
  if (!row) throw new ApplicationError("not_found", "This application does not exist.");
  return row;
}

/** The role, only if it is this application's: a role id of another application is not found here. */
async function roleOf(applicationId: string, roleId: string, tx?: Tx): Promise<ApplicationRoleRecord> {
  const role = isUuid(roleId) ? await findRole(roleId, tx) : null;
  if (!role || role.applicationId !== applicationId) throw new ApplicationError("not_found", "This role does not exist.");
  return role;
}

const taken = (name: string) => invalid("name", `This application already has a role named ${name}.`);

/** The application's roles, by name, with the users and groups holding each. */
export async function listApplicationRoles(actor: Actor, applicationId: string): Promise<ApplicationRoleDto[]> {
  assertApplicationPermission(actor, "applications:read", applicationId);
  if (!isUuid(applicationId)) return [];
  const rows = await listRoleRows(applicationId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    createdAt: r.createdAt,
    users: r.assignments.flatMap((a) => (a.user ? [{ id: a.user.id, email: a.user.email, displayName: a.user.displayName }] : [])),
    groups: r.assignments.flatMap((a) => (a.group ? [{ id: a.group.id, displayName: a.group.displayName }] : [])),
  }));
}

export async function createApplicationRole(actor: Actor, applicationId: string, input: unknown, ctx: RequestContext): Promise<{ id: string; name: string }> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  const role = parseRole(input);
  try {
    return await withTransaction(async (tx) => {
      const app = await applicationFor(applicationId, tx);
      const existing = await listRoleNames(applicationId, tx);
      if (existing.includes(role.name)) throw taken(role.name);
      const row = await insertRole({ applicationId, name: role.name, description: role.description }, tx);
      await audited(actor, applicationId, "application.role_created", ctx, { clientId: app.clientId, roleId: row.id, role: row.name }, tx);
      return { id: row.id, name: row.name };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw taken(role.name);
    throw e;
  }
}

/** Renames a role (or changes its description): its holders keep it, their next tokens carry the new name. */
export async function updateApplicationRole(actor: Actor, applicationId: string, roleId: string, input: unknown, ctx: RequestContext): Promise<{ id: string; name: string }> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  const role = parseRole(input);
  try {
    return await withTransaction(async (tx) => {
      const app = await applicationFor(applicationId, tx);
      const before = await roleOf(applicationId, roleId, tx);
      if (before.name === role.name && before.description === role.description) return { id: before.id, name: before.name };
      if (before.name !== role.name && (await listRoleNames(applicationId, tx)).includes(role.name)) throw taken(role.name);
      const after = await updateRoleRow(roleId, role, tx);
      await audited(actor, applicationId, "application.role_updated", ctx, { clientId: app.clientId, roleId, role: after.name, ...(before.name !== after.name ? { previousName: before.name } : {}) }, tx);
      // Subscribers know roles by name: a rename is the old name gone and the new one held.
      if (before.name !== after.name) {
        const holders = await holdersOf({ roleId }, tx);
        await emitRoleEvents("role.unassigned", app.clientId, before.name, holders, tx);
        await emitRoleEvents("role.assigned", app.clientId, after.name, holders, tx);
      }
      return { id: after.id, name: after.name };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw taken(role.name);
    throw e;
  }
}

/** Deletes a role and every assignment of it. */
export async function deleteApplicationRole(actor: Actor, applicationId: string, roleId: string, ctx: RequestContext): Promise<void> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  await withTransaction(async (tx) => {
    const app = await applicationFor(applicationId, tx);
    const role = await roleOf(applicationId, roleId, tx);
    const holders = await holdersOf({ roleId: role.id }, tx);
    await deleteRoleRow(role.id, tx);
    await audited(actor, applicationId, "application.role_deleted", ctx, { clientId: app.clientId, roleId, role: role.name }, tx);
    // Its assignments went with it: each holder lost the role.
    await emitRoleEvents("role.unassigned", app.clientId, role.name, holders, tx);
  });
}

/**
 * One event per person: an account's own assignment (no groupId), or each current member of a
 * group the role was given to or taken from (groupId set). Events are about people, so a group
 * with no members emits none.
 */
async function emitRoleEvents(type: "role.assigned" | "role.unassigned", clientId: string, role: string, holders: { userId: string; groupId?: string }[], tx: Tx): Promise<void> {
  for (const h of holders) await emitIdentityEvent({ type, userId: h.userId, data: { clientId, role, ...(h.groupId ? { groupId: h.groupId } : {}) } }, tx);
}

function holderOf(holder: RoleHolder): { userId?: string; groupId?: string } {
  if ("userId" in holder) {
    if (!isUuid(holder.userId)) throw invalid("email", "There is no such account.");
    return { userId: holder.userId };
  }
  if (!isUuid(holder.groupId)) throw invalid("groupName", "There is no such group.");
  return { groupId: holder.groupId };
}

/** Gives the role to one account or to every member of one group. Assigning it again changes nothing. */
export async function assignApplicationRole(actor: Actor, applicationId: string, roleId: string, holder: RoleHolder, ctx: RequestContext): Promise<boolean> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  const h = holderOf(holder);
  return withTransaction(async (tx) => {
    const app = await applicationFor(applicationId, tx);
    const role = await roleOf(applicationId, roleId, tx);
    if (h.userId && !(await userExists(h.userId, tx))) throw invalid("email", "There is no such account.");
    const group = h.groupId ? await groupExists(h.groupId, tx) : null;
    if (h.groupId && !group) throw invalid("groupName", "There is no such group.");
    if (!(await insertAssignment({ roleId: role.id, ...h }, tx))) return false;
    await audited(actor, applicationId, "application.role_assigned", ctx, { clientId: app.clientId, roleId, role: role.name, ...h, ...(group ? { group: group.displayName } : {}) }, tx);
    await emitRoleEvents("role.assigned", app.clientId, role.name, await holdersOf({ roleId: role.id, ...h }, tx), tx);
    return true;
  });
}

/** The console's form: the account by its sign-in address, or the group by its name (ignoring case). */
export async function assignApplicationRoleByName(actor: Actor, applicationId: string, roleId: string, to: { email: string } | { groupName: string }, ctx: RequestContext): Promise<boolean> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  if ("email" in to) {
    const email = normalizedEmail(to.email);
    const userId = email && email.length <= 254 ? await findUserIdByEmail(email) : null;
    if (!userId) throw invalid("email", "There is no account with this address.");
    return assignApplicationRole(actor, applicationId, roleId, { userId }, ctx);
  }
  const name = to.groupName.trim();
  const groupId = name && name.length <= 256 && !/[\u0000-\u001f\u007f]/.test(name) ? await findGroupIdByName(name) : null;
  if (!groupId) throw invalid("groupName", "There is no group with this name.");
  return assignApplicationRole(actor, applicationId, roleId, { groupId }, ctx);
}

/** Takes the role back from the account or the group (a member may still hold it another way). */
export async function unassignApplicationRole(actor: Actor, applicationId: string, roleId: string, holder: RoleHolder, ctx: RequestContext): Promise<boolean> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  const h = holderOf(holder);
  return withTransaction(async (tx) => {
    const app = await applicationFor(applicationId, tx);
    const role = await roleOf(applicationId, roleId, tx);
    const holders = await holdersOf({ roleId: role.id, ...h }, tx);
    if (!(await deleteAssignment({ roleId: role.id, ...h }, tx))) return false;
    await emitRoleEvents("role.unassigned", app.clientId, role.name, holders, tx);
    await audited(actor, applicationId, "application.role_unassigned", ctx, { clientId: app.clientId, roleId, role: role.name, ...h }, tx);
    return true;
  });
}

/**
 * The claims the application receives roles and groups in (null: not released; a short name no JWT
 * or OpenID Connect claim registers, or an https URL), and whether signing in needs a role.
 */
export async function setRoleClaims(actor: Actor, applicationId: string, input: unknown, ctx: RequestContext): Promise<ApplicationDto> {
  assertApplicationPermission(actor, "applications:write", applicationId);
  const r = roleClaimsSchema.safeParse(input);
  if (!r.success) {
    const fieldErrors = fieldErrorsOf(r.error.issues);
    const [field, message] = Object.entries(fieldErrors)[0] ?? ["rolesClaim", "Check the claim names."];
    throw new ApplicationError("invalid_input", message, { field, fieldErrors });
  }
  const wanted = r.data;
  return withTransaction(async (tx) => {
    const before = await applicationFor(applicationId, tx);
    const mapped = toApplicationDto(before).claimMappings.map((m) => m.claim);
    for (const field of ["rolesClaim", "groupsClaim"] as const) {
      const claim = wanted[field];
      if (claim && mapped.includes(claim)) throw invalid(field, `A custom attribute is already released as ${claim}.`);
    }
    const changed = (["rolesClaim", "groupsClaim", "requireRole"] as const).filter((f) => before[f] !== wanted[f]);
    if (!changed.length) return toApplicationDto(before);
    const after = await updateApplicationRow(applicationId, { rolesClaim: wanted.rolesClaim, groupsClaim: wanted.groupsClaim, requireRole: wanted.requireRole }, tx);
    await audited(actor, applicationId, "application.updated", ctx, { clientId: after.clientId, changed, rolesClaim: after.rolesClaim, groupsClaim: after.groupsClaim, requireRole: after.requireRole }, tx);
    await emitIdentityEvent({ type: "application.updated", userId: null, data: { clientId: after.clientId, fields: [...changed] } }, tx);
    return toApplicationDto(after);
  });
}

/**
 * What the application is entitled to see of the user (one query, the token endpoint's hot path):
 * the names of its roles the user holds, directly or through a group, and the names of the user's
 * groups that hold one of its roles (never the user's other groups). Sorted, without repeats.
 */
export async function entitlementsFor(applicationId: string, userId: string): Promise<Entitlements> {
  if (!isUuid(applicationId) || !isUuid(userId)) return { roles: [], groups: [] };
  return selectEntitlements(applicationId, userId);
}

/** Whether the protocol needs the user's entitlements for this application at all (none read otherwise). */
export function usesEntitlements(application: Pick<ApplicationDto, "rolesClaim" | "groupsClaim" | "requireRole">): boolean {
  return Boolean(application.rolesClaim || application.groupsClaim || application.requireRole);
}

/** The claims carrying the entitlements, under the application's claim names (none unset). */
export function entitlementClaims(application: Pick<ApplicationDto, "rolesClaim" | "groupsClaim">, entitlements: Entitlements | null | undefined): Record<string, string[]> {
  if (!entitlements) return {};
  return {
    ...(application.rolesClaim ? { [application.rolesClaim]: entitlements.roles } : {}),
    ...(application.groupsClaim ? { [application.groupsClaim]: entitlements.groups } : {}),
  };
}
