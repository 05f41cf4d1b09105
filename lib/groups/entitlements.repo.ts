// The applications whose roles a group holds (RoleAssignment rows with its groupId): joining or
// leaving the group gives or takes those roles, so the console asks for the right to give them.
import "server-only";
import type { Tx } from "@/lib/db";

export async function applicationsWithRolesHeldBy(groupId: string, tx: Tx): Promise<{ id: string; name: string }[]> {
  const rows = await tx.roleAssignment.findMany({ where: { groupId }, select: { role: { select: { application: { select: { id: true, name: true } } } } } });
  const byId = new Map(rows.map((r) => [r.role.application.id, r.role.application.name]));
  return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}
