// bench:admin's section for the console's user list (lib/users listUsers): the searches an
// administrator types, the first page of each sort, and a page deep in the list (page 1,000,
// reached by following Next links; what is measured is fetching it from its cursor).
import { explainListUsers, listUsers } from "@/lib/users";
import { userListQuerySchema, type UserListQueryInput } from "@/lib/users/user-list.schema";
import type { AdminBenchCase, AdminBenchContext, AdminBenchSection } from "./admin-cases";

const DEEP_PAGE = 1000;
const SORTS: UserListQueryInput[] = [
  { sort: "createdAt", dir: "desc" },
  { sort: "lastLoginAt", dir: "desc" },
  { sort: "email", dir: "asc" },
];
const ATTRIBUTES: [string, string][] = [
  ["region", "EU"],
  ["region", "MEA"],
  ["tier", "platinum"],
  ["tier", "gold"],
  ["region", "US"],
];
const STATUSES = ["locked", "disabled", "pending_deletion", "unverified", "active"];

/** Follows Next links to page `page` (or the last page); returns its cursor and number. */
async function cursorOfPage(ctx: AdminBenchContext, input: UserListQueryInput, page: number): Promise<{ cursor?: string; page: number }> {
  let cursor: string | undefined;
  for (let p = 1; p < page; p++) {
    const next = (await listUsers(ctx.actor, userListQuerySchema.parse({ ...input, cursor }), ctx.now)).next;
    if (!next) return { cursor, page: p };
    cursor = next;
  }
  return { cursor, page };
}

export const section: AdminBenchSection = async (ctx) => {
  const s = ctx.sample;
  const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
  const named = s.filter((u) => u.displayName || u.familyName);
  const phoned = s.filter((u) => u.phoneNumber);
  // An administrator types 4 to 9 letters of an address, 3 to 6 of a name.
  const terms: Record<string, (i: number) => UserListQueryInput> = {
    "email prefix": (i) => (i % 2 ? { email: pick(s, i).email.slice(0, 4 + (i % 6)) } : { q: `${pick(s, i).email.split("@")[0]}@` }),
    "name prefix": (i) => {
      const u = pick(named, i);
      const name = i % 2 && u.familyName ? u.familyName : (u.displayName ?? u.familyName!);
      return { q: name.slice(0, 3 + (i % 4)) };
    },
    "phone prefix": (i) => ({ q: pick(phoned, i).phoneNumber!.slice(0, 6 + (i % 4)) }),
    "attribute value": (i) => ({ attr: pick(ATTRIBUTES, i)[0], value: pick(ATTRIBUTES, i)[1] }),
    status: (i) => ({ status: pick(STATUSES, i) }),
    "first page (3 sorts)": (i) => pick(SORTS, i),
  };
  const deep = await Promise.all(SORTS.map((sort) => cursorOfPage(ctx, sort, DEEP_PAGE)));
  // A stable name across sizes: at 10,000 customers there are 400 pages of 25, so the last one stands in.
  terms[`page ${DEEP_PAGE.toLocaleString("en")} (or the last) from its cursor (3 sorts)`] = (i) => ({ ...pick(SORTS, i), cursor: pick(deep, i).cursor });

  return Object.entries(terms).map(([name, term]): AdminBenchCase => ({
    name,
    run: (i) => listUsers(ctx.actor, userListQuerySchema.parse(term(i)), ctx.now),
    plan: (i) => explainListUsers(ctx.actor, userListQuerySchema.parse(term(i)), ctx.now),
  }));
};
