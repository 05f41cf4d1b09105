import type { Metadata } from "next";
import Link from "next/link";
import { NewGroupForm } from "@/components/admin/group-forms";
import { Alert } from "@/components/ui/alert";
import { secondaryButton, surface, tableFrame } from "@/components/ui/styles";
import { GroupError, listGroups, type GroupListPage } from "@/lib/groups";
import { requireAdmin } from "@/lib/http";
import { hasTenantWidePermission } from "@/lib/users";
import { createGroupAction } from "./actions";

export const metadata: Metadata = { title: "Groups" };
export const dynamic = "force-dynamic";

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

export default async function GroupsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin("/admin/groups", { permission: "groups:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const params = await searchParams;
  const search = one(params.q)?.slice(0, 256) ?? "";
  const cursor = one(params.cursor)?.slice(0, 2048);
  const deleted = one(params.deleted)?.slice(0, 256);
  let page: GroupListPage = { groups: [], next: null };
  let cursorError: string | null = null;
  try {
    page = await listGroups(actor, { search, cursor });
  } catch (e) {
    if (!(e instanceof GroupError && e.code === "invalid_cursor")) throw e;
    cursorError = e.message;
  }
  const mayCreate = hasTenantWidePermission(actor, "groups:write");
  const nextHref = page.next ? `/admin/groups?${new URLSearchParams({ ...(search ? { q: search } : {}), cursor: page.next })}` : null;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Groups</h1>
      <p className="mt-1 max-w-3xl text-slate-600 dark:text-slate-400">
        Groups of customer accounts, made here or by a provisioning client (SCIM). Staff are never members. A group&apos;s name is unique, ignoring case.
      </p>
      {deleted ? (
        <div className="mt-4">
          <Alert tone="success">The group {deleted} was deleted.</Alert>
        </div>
      ) : null}
      {cursorError ? (
        <div className="mt-4">
          <Alert tone="error">{cursorError}</Alert>
        </div>
      ) : null}

      <form role="search" method="get" action="/admin/groups" className={`${surface} mt-6 flex flex-wrap items-end gap-3 p-4`}>
        <div className="grow space-y-1.5">
          <label htmlFor="group-search" className="block text-sm font-medium">
            Name starts with
          </label>
          <input
            id="group-search"
            name="q"
            type="search"
            defaultValue={search}
            maxLength={256}
            className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
          />
        </div>
        <button type="submit" className={secondaryButton}>
          Search
        </button>
      </form>

      <div className={`mt-6 ${tableFrame}`}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Groups</caption>
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Name</th>
              <th scope="col" className="px-4 py-2 font-medium">Members</th>
              <th scope="col" className="px-4 py-2 font-medium">Last changed</th>
            </tr>
          </thead>
          <tbody>
            {page.groups.map((g) => (
              <tr key={g.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="px-4 py-2 font-medium">
                  <Link href={`/admin/groups/${g.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                    {g.displayName}
                  </Link>
                </td>
                <td className="px-4 py-2 tabular-nums">{g.memberCount}</td>
                <td className="px-4 py-2">{g.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC</td>
              </tr>
            ))}
            {page.groups.length === 0 ? (
              <tr>
                <td colSpan={3} className="px-4 py-6 text-center text-slate-500">
                  {search ? "No group's name starts with this." : "No groups yet."}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {nextHref ? (
        <p className="mt-4">
          <Link href={nextHref} className={`${secondaryButton} inline-block`}>
            Next page
          </Link>
        </p>
      ) : null}

      {mayCreate ? (
        <section aria-labelledby="new-group" className={`${surface} mt-10 p-6`}>
          <h2 id="new-group" className="mb-4 text-lg font-semibold">New group</h2>
          <NewGroupForm action={createGroupAction} />
        </section>
      ) : null}
    </>
  );
}
