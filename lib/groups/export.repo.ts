// The person's data export (lib/privacy): the groups the account belongs to.
import "server-only";
import { getDb } from "@/lib/db";

export async function membershipsForExport(userId: string): Promise<{ groupId: string; name: string; joinedAt: Date }[]> {
  const rows = await (await getDb()).groupMember.findMany({
    where: { userId },
    select: { groupId: true, createdAt: true, group: { select: { displayName: true } } },
    orderBy: [{ createdAt: "desc" }, { groupId: "asc" }],
  });
  return rows.map((r) => ({ groupId: r.groupId, name: r.group.displayName, joinedAt: r.createdAt }));
}
