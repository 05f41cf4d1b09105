// The customer an administrator acts on, and whether they may: every console function on one
// customer starts here. The permission is checked against the customer's custom attributes, so a
// segment's administrator (help_desk:region=EU) reaches only that segment's customers.
import "server-only";
import { isUuid } from "@/lib/formats";
import { PermissionError } from "@/lib/errors";
import { assertPermission, assertUserPermission, isRole, mayGrant, type Actor, type Permission } from "./permissions";
import { UserError } from "./users.errors";
import { findAdminTarget, findAdminTargetByEmail, type Tx } from "./users.repo";
import { normalizedEmail } from "./users.schema";

export type AdminTarget = NonNullable<Awaited<ReturnType<typeof findAdminTarget>>>;

/**
 * The customer `userId`, after checking `actor` holds `permission` for them, and, when the account
 * holds administrative roles, could give each of them (PermissionError, "forbidden", otherwise). An unknown or malformed id is UserError "not_found", checked after the
 * permission is known to be held somewhere, so a caller without it learns nothing either way.
 */
export async function adminTarget(actor: Actor, permission: Permission, userId: string, tx?: Tx): Promise<AdminTarget> {
  assertPermission(actor, permission);
  const user = isUuid(userId) ? await findAdminTarget(userId, tx) : null;
  if (!user) throw new UserError("not_found", "No such user.");
  assertUserPermission(actor, permission, user);
  // Another administrator's account only for someone who could give every role it holds: else a
  // user administrator could disable or erase a super administrator, or a help desk strip one's
  // second factors, and so take what mayGrant keeps them from granting.
  if (permission !== "users:read" && !user.roles.every((g) => isRole(g.role) && mayGrant(actor, { role: g.role, scope: g.scope }))) {
    throw new PermissionError(permission);
  }
  return user;
}

/** The console may not be used against one's own account for what would lock its user out (disable, lock, delete, strip). */
export function refuseOwnAccount(actor: Actor, userId: string, what: string): void {
  if (actor.id === userId) throw new UserError("own_account", `You cannot ${what} your own account from the console. Ask another administrator.`);
}

/**
 * The customer whose sign-in address is `email`, for a console change that never reaches staff
 * (group membership: staff are not members, as SCIM keeps them out): null when no account has the
 * address, "staff" when it holds an administrative role; otherwise the customer, after checking
 * `actor` holds `permission` for them (PermissionError, "forbidden").
 */
export async function customerTargetByEmail(actor: Actor, permission: Permission, email: string, tx?: Tx): Promise<AdminTarget | "staff" | null> {
  assertPermission(actor, permission);
  const parsed = normalizedEmail(email);
  const user = parsed ? await findAdminTargetByEmail(parsed, tx) : null;
  if (!user) return null;
  if (user.roles.length > 0) return "staff";
  assertUserPermission(actor, permission, user);
  return user;
}
