// The console's user list: filters, sort, and keyset pages (user-list.repo.ts), within what the
// actor may read: users:read tenant-wide, or only the customer segments (attribute=value) their
// grants are scoped to.
import "server-only";
import { permissionScope, assertPermission, segmentOf, type Actor } from "./permissions";
import { interpretFreeText, type UserListQuery, type UserStatus } from "./user-list.schema";
import { decodeCursor, encodeCursor, type UserListCursor } from "./user-list-cursor";
import { explainUserListPage, findUserListPage, type UserListFilter, type UserListPosition, type UserListRow } from "./user-list.repo";

export interface UserListItem {
  id: string;
  email: string;
  name: string | null;
  /** Every status that applies (a disabled account may also be unverified). */
  statuses: UserStatus[];
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface UserListPage {
  users: UserListItem[];
  /** The cursor of the next page; null: this is the last page. */
  next: string | null;
  /** The previous page: a cursor, "first" (the first page, no cursor), or null on the first page. */
  previous: string | "first" | null;
}

const DAY_MS = 86_400_000;
const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);
const dayAfter = (day: string) => new Date(dayStart(day).getTime() + DAY_MS);

/**
 * The JSON objects an attribute equality matches: the value as typed, and as the number or boolean
 * it spells (a number attribute holds 3, not "3"). The same reading as canActOnUser's String(value).
 */
export function attributeCandidates(name: string, value: string): string[] {
  const out: unknown[] = [value];
  if (/^-?\d+(\.\d+)?$/.test(value) && Number.isFinite(Number(value)) && String(Number(value)) === value) out.push(Number(value));
  if (value === "true" || value === "false") out.push(value === "true");
  return out.map((v) => JSON.stringify({ [name]: v }));
}

function statusesOf(u: UserListRow, now: Date): UserStatus[] {
  const s: UserStatus[] = [];
  if (u.deletionRequestedAt) s.push("pending_deletion");
  else if (u.disabledAt) s.push("disabled");
  if (u.lockedUntil && u.lockedUntil > now) s.push("locked");
  if (!u.emailVerifiedAt) s.push("unverified");
  if (s.length === 0) s.push("active");
  return s;
}

function sortKeyOf(u: UserListRow, sort: UserListQuery["sort"]): string | null {
  if (sort === "email") return u.emailKey;
  if (sort === "lastLoginAt") return u.lastLoginAt ? u.lastLoginAt.toISOString() : null;
  return u.createdAt.toISOString();
}

/** The actor's reach as attribute groups: none for a tenant-wide grant, one OR-group of its segments otherwise; null when it reaches nobody. */
function segmentGroups(actor: Actor): string[][] | null {
  const scope = permissionScope(actor, "users:read");
  if (scope === "all") return [];
  const segments = scope.map(segmentOf).filter((s) => s !== null);
  if (segments.length === 0) return null;
  return [segments.flatMap((s) => attributeCandidates(s.attribute, s.value))];
}

export function filterOf(query: UserListQuery, segments: string[][]): UserListFilter {
  const filter: UserListFilter = { emailPrefixes: [], segments };
  if (query.q) {
    const text = interpretFreeText(query.q);
    if (text.kind === "id") filter.id = text.id;
    else if (text.kind === "email") filter.emailPrefixes.push(text.prefix);
    else if (text.kind === "phone") filter.phonePrefix = text.prefix;
    else filter.namePrefix = text.prefix;
  }
  if (query.email) filter.emailPrefixes.push(query.email.normalize("NFC").toLowerCase());
  if (query.status) filter.status = query.status;
  if (query.createdFrom) filter.createdFrom = dayStart(query.createdFrom);
  if (query.createdTo) filter.createdBefore = dayAfter(query.createdTo);
  if (query.signedInFrom) filter.signedInFrom = dayStart(query.signedInFrom);
  if (query.signedInTo) filter.signedInBefore = dayAfter(query.signedInTo);
  if (query.attr && query.value !== undefined) filter.attributeValues = attributeCandidates(query.attr, query.value);
  return filter;
}

/**
 * One page of the users matching `query`, for an actor holding users:read (tenant-wide or for
 * segments). A cursor that was altered or made for another sort is a UserError "invalid_cursor".
 */
export async function listUsers(actor: Actor, query: UserListQuery, now = new Date()): Promise<UserListPage> {
  assertPermission(actor, "users:read");
  const cursor = query.cursor ? decodeCursor(query.cursor, query) : undefined;
  const segments = segmentGroups(actor);
  if (segments === null) return { users: [], next: null, previous: null };
  const filter = filterOf(query, segments);
  const size = query.size;

  const read = async (from: UserListCursor | undefined) => {
    const position: UserListPosition = { sort: query.sort, dir: query.dir, from: from && { direction: from.direction, key: from.key, id: from.id } };
    const rows = await findUserListPage(filter, position, size + 1, now);
    const more = rows.length > size;
    const page = rows.slice(0, size);
    return { rows: from?.direction === "before" ? page.reverse() : page, more };
  };
  const at = (u: UserListRow, direction: "after" | "before") => encodeCursor({ sort: query.sort, dir: query.dir, direction, key: sortKeyOf(u, query.sort), id: u.id });

  let page = await read(cursor);
  let next: string | null;
  let previous: string | "first" | null;
  if (!cursor || (cursor.direction === "before" && !page.more)) {
    // The first page (or a Previous that reached the start: show the full first page instead of a short one).
    if (cursor) page = await read(undefined);
    next = page.more ? at(page.rows[page.rows.length - 1]!, "after") : null;
    previous = null;
  } else if (cursor.direction === "after") {
    next = page.more ? at(page.rows[page.rows.length - 1]!, "after") : null;
    previous = page.rows.length ? at(page.rows[0]!, "before") : "first";
  } else {
    next = page.rows.length ? at(page.rows[page.rows.length - 1]!, "after") : null;
    previous = at(page.rows[0]!, "before");
  }
  const users = page.rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.displayName ?? ([u.givenName, u.familyName].filter(Boolean).join(" ") || null),
    statuses: statusesOf(u, now),
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  }));
  return { users, next, previous };
}

/** The query plan of the page listUsers reads first (the benchmark checks that no plan reads the whole table). */
export async function explainListUsers(actor: Actor, query: UserListQuery, now = new Date()): Promise<string> {
  assertPermission(actor, "users:read");
  const cursor = query.cursor ? decodeCursor(query.cursor, query) : undefined;
  const filter = filterOf(query, segmentGroups(actor) ?? []);
  const position: UserListPosition = { sort: query.sort, dir: query.dir, from: cursor && { direction: cursor.direction, key: cursor.key, id: cursor.id } };
  return explainUserListPage(filter, position, query.size + 1, now);
}
