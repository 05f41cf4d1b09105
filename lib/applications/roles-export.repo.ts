// The person's data export (lib/privacy): the application roles the account holds, given to it
// directly or through one of its groups.
import "server-only";
import { getDb } from "@/lib/db";

export interface HeldRole {
  clientId: string;
  application: string;
  role: string;
  /** null: given to the account itself; else the group it comes through. */
  throughGroupId: string | null;
  since: Date;
}

export async function heldRolesForExport(userId: string): Promise<HeldRole[]> {
  const rows = await (await getDb()).roleAssignment.findMany({
    where: { OR: [{ userId }, { group: { members: { some: { userId } } } }] },
    select: { groupId: true, createdAt: true, role: { select: { name: true, application: { select: { clientId: true, name: true } } } } },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  return rows.map((r) => ({ clientId: r.role.application.clientId, application: r.role.application.name, role: r.role.name, throughGroupId: r.groupId, since: r.createdAt }));
}
