// Who may do what in the console. Every administrative domain function names the permission it
// needs and asserts it here, the one place. Today the administrator role holds every permission;
// delegated administration will map roles to subsets of them without changing the callers.
import { PermissionError } from "@/lib/errors";
import { ADMIN_ROLE } from "./bootstrap";

export interface Actor {
  id: string;
  roles: string[];
}

export type Permission =
  | "users:read"
  | "users:write"
  | "applications:read"
  | "applications:write"
  | "keys:read"
  | "keys:write"
  | "risk:read"
  | "risk:write"
  | "attributes:read"
  | "attributes:write"
  | "consents:read"
  | "consents:write"
  | "topics:read"
  | "topics:write"
  | "legal:write";

export function isAdmin(actor: Actor | null | undefined): boolean {
  return Boolean(actor?.roles.includes(ADMIN_ROLE));
}

export function hasPermission(actor: Actor | null | undefined, _permission: Permission): boolean {
  return isAdmin(actor);
}

/** Throws PermissionError (code "forbidden") unless the actor holds the permission. */
export function assertPermission(actor: Actor | null | undefined, permission: Permission): void {
  if (!hasPermission(actor, permission)) throw new PermissionError(permission);
}
