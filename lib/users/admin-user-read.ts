// The console's view of one customer's account (users:read, for this customer: a segment's
// administrator sees only the segment's customers). Never a secret: no password hash, only whether one is set.
import "server-only";
import { jsonColumn } from "@/lib/formats";
import { assertPermission, assertUserPermission, type Actor } from "./permissions";
import { findUserDetailRow } from "./users.repo";

export type AdminUserDetail = NonNullable<Awaited<ReturnType<typeof getUserForAdmin>>>;

export type AdminUserStatus = "active" | "locked" | "disabled" | "deletion_pending";

/** Null when there is no such account; PermissionError when the actor may not read this one. */
export async function getUserForAdmin(actor: Actor, userId: string, now = new Date()) {
  assertPermission(actor, "users:read");
  const row = await findUserDetailRow(userId);
  if (!row) return null;
  assertUserPermission(actor, "users:read", row);
  const status: AdminUserStatus = row.deletionDueAt ? "deletion_pending" : row.disabledAt ? "disabled" : row.lockedUntil && row.lockedUntil > now ? "locked" : "active";
  const attributes = (jsonColumn(row.attributes) ?? {}) as Record<string, unknown>;
  const address = (jsonColumn(row.address) ?? null) as Record<string, string | null> | null;
  return { ...row, attributes, address, status };
}
