import type { Metadata } from "next";
import Link from "next/link";
import { requireAdmin } from "@/lib/http";
import { hasPermission, listUsers, UserError, type UserListPage } from "@/lib/users";
import { userListQuerySchema, USER_STATUSES, USER_STATUS_LABELS, PAGE_SIZES, type UserListQuery, type UserSort } from "@/lib/users/user-list.schema";
import { listAttributeDefinitionsFor } from "@/lib/profile";
import { fieldErrorsOf } from "@/lib/errors";
import { secondaryButton, surface, tableFrame } from "@/components/ui/styles";
import { isoDay } from "@/lib/formats";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;
const FILTER_FIELDS = ["q", "email", "status", "createdFrom", "createdTo", "signedInFrom", "signedInTo", "attr", "value"] as const;

const firstOf = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** /admin/users with the current filters, sort and size, changed by `changes` (undefined drops a parameter). */
function hrefWith(query: Record<string, string | number | undefined>, changes: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...changes })) if (v !== undefined && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `/admin/users?${s}` : "/admin/users";
}

const input = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-900";
const label = "block text-sm font-medium";

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={id} className="mt-1 block text-sm text-red-600">
      {message}
    </span>
  ) : null;
}

const STATUS_STYLE: Record<string, string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300",
  unverified: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-300",
  locked: "bg-orange-50 text-orange-800 ring-orange-600/20 dark:bg-orange-950 dark:text-orange-300",
  disabled: "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300",
  pending_deletion: "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
};

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const session = await requireAdmin("/admin/users", { permission: "users:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const raw = await searchParams;
  const values = Object.fromEntries(["cursor", "sort", "dir", "size", ...FILTER_FIELDS].map((k) => [k, firstOf(raw[k])]));
  const parsed = userListQuerySchema.safeParse(values);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const query: UserListQuery = parsed.success ? parsed.data : userListQuerySchema.parse({ sort: values.sort, dir: values.dir, size: values.size });

  let page: UserListPage | null = null;
  let cursorProblem: string | null = null;
  if (parsed.success) {
    try {
      page = await listUsers(actor, query);
    } catch (e) {
      if (!(e instanceof UserError && e.code === "invalid_cursor")) throw e;
      cursorProblem = e.message;
    }
  }
  const attributeNames = hasPermission(actor, "attributes:read") ? (await listAttributeDefinitionsFor(actor)).map((d) => d.name) : [];

  // The links keep the filters as typed, the sort and the size; a new sort or filter starts at the first page.
  const kept: Record<string, string | number | undefined> = { ...Object.fromEntries(FILTER_FIELDS.map((k) => [k, values[k]])), sort: query.sort, dir: query.dir, size: query.size };
  const sortHeader = (sort: UserSort, text: string) => {
    const active = query.sort === sort;
    const dir = active ? (query.dir === "asc" ? "desc" : "asc") : sort === "email" ? "asc" : "desc";
    return (
      <th scope="col" className="px-4 py-2 font-medium" aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
        <Link href={hrefWith(kept, { sort, dir, cursor: undefined })} className="hover:text-slate-900 hover:underline dark:hover:text-white">
          {text}
          {active ? <span aria-hidden="true">{query.dir === "asc" ? " ▲" : " ▼"}</span> : null}
        </Link>
      </th>
    );
  };
  const describedBy = (field: string) => (errors[field] ? `${field}-error` : undefined);

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <form role="search" method="get" action="/admin/users" className={`${surface} mt-6 grid gap-4 p-4 sm:grid-cols-2 lg:grid-cols-4`}>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <div className="sm:col-span-2">
          <label htmlFor="user-search" className={label}>Search</label>
          <input id="user-search" name="q" type="search" defaultValue={values.q} maxLength={254} placeholder="Email, name, phone number or user id" aria-describedby={describedBy("q") ?? "q-hint"} aria-invalid={errors.q ? true : undefined} className={input} />
          <span id="q-hint" className="mt-1 block text-xs text-slate-500">With @: an address beginning; + or digits: a phone number beginning; otherwise a name beginning.</span>
          <FieldError id="q-error" message={errors.q} />
        </div>
        <div>
          <label htmlFor="user-email" className={label}>Email begins with</label>
          <input id="user-email" name="email" type="text" defaultValue={values.email} maxLength={254} aria-describedby={describedBy("email")} aria-invalid={errors.email ? true : undefined} className={input} />
          <FieldError id="email-error" message={errors.email} />
        </div>
        <div>
          <label htmlFor="user-status" className={label}>Status</label>
          <select id="user-status" name="status" defaultValue={values.status ?? ""} aria-describedby={describedBy("status")} className={input}>
            <option value="">Any</option>
            {USER_STATUSES.map((s) => (
              <option key={s} value={s}>{USER_STATUS_LABELS[s]}</option>
            ))}
          </select>
          <FieldError id="status-error" message={errors.status} />
        </div>
        <fieldset className="sm:col-span-2">
          <legend className={label}>Created</legend>
          <div className="mt-1 flex gap-2">
            <label className="sr-only" htmlFor="created-from">Created from</label>
            <input id="created-from" name="createdFrom" type="date" defaultValue={values.createdFrom} aria-describedby={describedBy("createdFrom")} className={input} />
            <label className="sr-only" htmlFor="created-to">Created until</label>
            <input id="created-to" name="createdTo" type="date" defaultValue={values.createdTo} aria-describedby={describedBy("createdTo")} className={input} />
          </div>
          <FieldError id="createdFrom-error" message={errors.createdFrom} />
          <FieldError id="createdTo-error" message={errors.createdTo} />
        </fieldset>
        <fieldset className="sm:col-span-2">
          <legend className={label}>Last sign-in</legend>
          <div className="mt-1 flex gap-2">
            <label className="sr-only" htmlFor="signed-in-from">Last sign-in from</label>
            <input id="signed-in-from" name="signedInFrom" type="date" defaultValue={values.signedInFrom} aria-describedby={describedBy("signedInFrom")} className={input} />
            <label className="sr-only" htmlFor="signed-in-to">Last sign-in until</label>
            <input id="signed-in-to" name="signedInTo" type="date" defaultValue={values.signedInTo} aria-describedby={describedBy("signedInTo")} className={input} />
          </div>
          <FieldError id="signedInFrom-error" message={errors.signedInFrom} />
          <FieldError id="signedInTo-error" message={errors.signedInTo} />
        </fieldset>
        <div>
          <label htmlFor="user-attr" className={label}>Attribute</label>
          <input id="user-attr" name="attr" type="text" list="attribute-names" defaultValue={values.attr} maxLength={64} aria-describedby={describedBy("attr")} aria-invalid={errors.attr ? true : undefined} className={input} />
          <datalist id="attribute-names">
            {attributeNames.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <FieldError id="attr-error" message={errors.attr} />
        </div>
        <div>
          <label htmlFor="user-attr-value" className={label}>equals</label>
          <input id="user-attr-value" name="value" type="text" defaultValue={values.value} maxLength={1000} aria-describedby={describedBy("value")} aria-invalid={errors.value ? true : undefined} className={input} />
          <FieldError id="value-error" message={errors.value} />
        </div>
        <div>
          <label htmlFor="user-size" className={label}>Per page</label>
          <select id="user-size" name="size" defaultValue={String(query.size)} className={input}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">Search</button>
          <Link href="/admin/users" className={secondaryButton}>Clear</Link>
        </div>
      </form>

      {cursorProblem ? (
        <p role="alert" className="mt-4 text-sm text-red-600">
          {cursorProblem} <Link href={hrefWith(kept, {})} className="underline">First page</Link>
        </p>
      ) : null}
      {!parsed.success ? <p role="alert" className="mt-4 text-sm text-red-600">Correct the search above to list users.</p> : null}

      <div className={`mt-6 ${tableFrame}`}>
        <table className="min-w-full text-left text-sm" data-testid="user-list">
          <caption className="sr-only">Users</caption>
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
            <tr>
              {sortHeader("email", "Email")}
              <th scope="col" className="px-4 py-2 font-medium">Name</th>
              <th scope="col" className="px-4 py-2 font-medium">Status</th>
              {sortHeader("createdAt", "Created")}
              {sortHeader("lastLoginAt", "Last sign-in")}
            </tr>
          </thead>
          <tbody>
            {(page?.users ?? []).map((u) => (
              <tr key={u.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="px-4 py-2 font-medium">
                  <Link href={`/admin/users/${u.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">{u.email}</Link>
                </td>
                <td className="px-4 py-2">{u.name ?? "—"}</td>
                <td className="px-4 py-2">
                  <span className="flex flex-wrap gap-1">
                    {u.statuses.map((s) => (
                      <span key={s} className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[s]}`}>{USER_STATUS_LABELS[s]}</span>
                    ))}
                  </span>
                </td>
                <td className="px-4 py-2">{isoDay(u.createdAt)}</td>
                <td className="px-4 py-2">{u.lastLoginAt ? u.lastLoginAt.toISOString().slice(0, 16).replace("T", " ") : "never"}</td>
              </tr>
            ))}
            {page && page.users.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-4 py-6 text-center text-slate-500">No users match.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      <nav aria-label="Pages" className="mt-4 flex justify-between text-sm">
        {page?.previous ? (
          <Link rel="prev" href={hrefWith(kept, { cursor: page.previous === "first" ? undefined : page.previous })} className={secondaryButton}>← Previous</Link>
        ) : (
          <span />
        )}
        {page?.next ? (
          <Link rel="next" href={hrefWith(kept, { cursor: page.next })} className={secondaryButton}>Next →</Link>
        ) : null}
      </nav>
    </>
  );
}
