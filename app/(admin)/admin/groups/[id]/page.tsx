import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AddMemberForm, DeleteGroupForm, RemoveMemberButton, RenameGroupForm } from "@/components/admin/group-forms";
import { Alert } from "@/components/ui/alert";
import { secondaryButton, surface, tableFrame } from "@/components/ui/styles";
import { getGroup, GroupError, type GroupDetail } from "@/lib/groups";
import { requireAdmin } from "@/lib/http";
import { hasPermission, hasTenantWidePermission } from "@/lib/users";
import { addMemberAction, deleteGroupAction, removeMemberAction, renameGroupAction } from "../actions";

export const metadata: Metadata = { title: "Group" };
export const dynamic = "force-dynamic";

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function GroupPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const session = await requireAdmin(`/admin/groups/${encodeURIComponent(id)}`, { permission: "groups:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const query = await searchParams;
  const membersCursor = one(query.members)?.slice(0, 2048);
  let group: GroupDetail;
  try {
    group = await getGroup(actor, id, { membersCursor });
  } catch (e) {
    if (e instanceof GroupError && e.code === "not_found") notFound();
    if (e instanceof GroupError && e.code === "invalid_cursor") group = await getGroup(actor, id);
    else throw e;
  }
  // The group itself is the tenant's; a member is a customer, changed with users:write over them (the domain checks each).
  const mayEditGroup = hasTenantWidePermission(actor, "groups:write");
  const mayEditMembers = hasPermission(actor, "groups:write") && hasPermission(actor, "users:write");
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/groups" className="text-indigo-600 hover:underline dark:text-indigo-400">
          ← Groups
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">{group.displayName}</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {group.memberCount} {group.memberCount === 1 ? "member" : "members"} · created {when(group.createdAt)} · last changed {when(group.updatedAt)}
        {group.externalId ? ` · external id ${group.externalId}` : ""}
      </p>
      {one(query.created) ? (
        <div className="mt-4">
          <Alert tone="success">Group created. Add its members below.</Alert>
        </div>
      ) : null}

      {mayEditGroup ? (
        <section aria-labelledby="group-settings" className={`${surface} mt-6 space-y-6 p-6`}>
          <h2 id="group-settings" className="text-lg font-semibold">Name</h2>
          <RenameGroupForm action={renameGroupAction} id={group.id} displayName={group.displayName} />
          <DeleteGroupForm action={deleteGroupAction} id={group.id} displayName={group.displayName} memberCount={group.memberCount} />
        </section>
      ) : null}

      <section aria-labelledby="group-members" className="mt-10">
        <h2 id="group-members" className="text-lg font-semibold">Members</h2>
        {group.hiddenMembers > 0 ? (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {group.hiddenMembers} {group.hiddenMembers === 1 ? "member is" : "members are"} outside the customers you administer and not shown on this page.
          </p>
        ) : null}
        <div className={`mt-4 ${tableFrame}`}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Members of {group.displayName}</caption>
            <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Email address</th>
                <th scope="col" className="px-4 py-2 font-medium">Name</th>
                <th scope="col" className="px-4 py-2 font-medium">Member since</th>
                {mayEditMembers ? (
                  <th scope="col" className="px-4 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {group.members.map((m) => (
                <tr key={m.userId} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                  <td className="px-4 py-2">
                    {m.email ? (
                      <Link href={`/admin/users/${m.userId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                        {m.email}
                      </Link>
                    ) : (
                      <span className="text-slate-500">no sign-in address</span>
                    )}
                  </td>
                  <td className="px-4 py-2">{m.display ?? m.displayName ?? <span className="text-slate-500">—</span>}</td>
                  <td className="px-4 py-2">{when(m.addedAt)}</td>
                  {mayEditMembers ? (
                    <td className="px-4 py-2 text-right">
                      <RemoveMemberButton action={removeMemberAction} id={group.id} userId={m.userId} label={m.email ?? m.userId} />
                    </td>
                  ) : null}
                </tr>
              ))}
              {group.members.length === 0 ? (
                <tr>
                  <td colSpan={mayEditMembers ? 4 : 3} className="px-4 py-6 text-center text-slate-500">
                    {membersCursor ? "No more members." : "No members yet."}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        <p className="mt-4 flex gap-2">
          {membersCursor ? (
            <Link href={`/admin/groups/${group.id}`} className={`${secondaryButton} inline-block`}>
              First page
            </Link>
          ) : null}
          {group.nextMembers ? (
            <Link href={`/admin/groups/${group.id}?${new URLSearchParams({ members: group.nextMembers })}`} className={`${secondaryButton} inline-block`}>
              Next members
            </Link>
          ) : null}
        </p>
      </section>

      {mayEditMembers ? (
        <section aria-labelledby="add-member" className={`${surface} mt-6 p-6`}>
          <h2 id="add-member" className="mb-4 text-lg font-semibold">Add a member</h2>
          <AddMemberForm action={addMemberAction} id={group.id} />
        </section>
      ) : null}
    </>
  );
}
