import type { Metadata } from "next";
import { requireAdmin } from "@/lib/http";
import { listUsersForAdmin } from "@/lib/users";
import { userSearchSchema } from "@/lib/users/users.schema";
import { tableFrame } from "@/components/ui/styles";
import { isoDay } from "@/lib/formats";

export const metadata: Metadata = { title: "Administration" };

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin("/admin");
  const raw = await searchParams;
  const query = userSearchSchema.safeParse({ q: typeof raw.q === "string" ? raw.q : undefined });
  const q = query.success ? query.data : { q: undefined, take: 25 };
  const users = await listUsersForAdmin({ id: session.user.id, roles: session.user.roles }, q);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <form role="search" className="mt-6 flex gap-2" action="/admin">
        <label htmlFor="user-search" className="sr-only">Search users by email or name</label>
        <input
          id="user-search"
          name="q"
          type="search"
          defaultValue={q.q}
          maxLength={254}
          placeholder="Search by email or name"
          className="w-full max-w-md rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-600 dark:bg-slate-900"
        />
        <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">Search</button>
      </form>
      {!query.success ? <p role="alert" className="mt-2 text-sm text-red-600">The search text is too long.</p> : null}
      <div className={`mt-6 ${tableFrame}`}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Users</caption>
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Email</th>
              <th scope="col" className="px-4 py-2 font-medium">Name</th>
              <th scope="col" className="px-4 py-2 font-medium">Status</th>
              <th scope="col" className="px-4 py-2 font-medium">Created</th>
              <th scope="col" className="px-4 py-2 font-medium">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="px-4 py-2 font-medium">{u.email}</td>
                <td className="px-4 py-2">{u.displayName ?? "—"}</td>
                <td className="px-4 py-2">
                  {[u.roles.includes("admin") ? "admin" : null, u.emailVerified ? "verified" : "unverified", u.lockedUntil && u.lockedUntil > new Date() ? "locked" : null]
                    .filter(Boolean)
                    .join(", ")}
                </td>
                <td className="px-4 py-2">{isoDay(u.createdAt)}</td>
                <td className="px-4 py-2">{u.lastLoginAt ? u.lastLoginAt.toISOString().slice(0, 16).replace("T", " ") : "never"}</td>
              </tr>
            ))}
            {users.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-4 py-6 text-center text-slate-500">No users match.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
