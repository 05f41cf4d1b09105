// The user list's page positions (keyset pagination): a Next or Previous link carries the sort key
// and id of the row it continues from, as base64url JSON. Opaque to the reader, but not a secret:
// it only says where to start; the filters and the actor's segments still decide what is listed.
// Anything that does not decode to a well-formed position for the current sort is an
// invalid_cursor error (a message on the page), never a 500.
import { isUuid } from "@/lib/formats";
import { EMAIL_MAX_LENGTH } from "./users.schema";
import type { UserSort } from "./user-list.schema";
import { UserError } from "./users.errors";

/** "after": the page that follows the row; "before": the page that precedes it. */
export type PageDirection = "after" | "before";

export interface UserListCursor {
  sort: UserSort;
  dir: "asc" | "desc";
  direction: PageDirection;
  /** createdAt and lastLoginAt: an ISO instant (lastLoginAt: null when never signed in); email: the address. */
  key: string | null;
  id: string;
}

export function encodeCursor(cursor: UserListCursor): string {
  const { sort, dir, direction, key, id } = cursor;
  return Buffer.from(JSON.stringify([sort, dir, direction === "after" ? "a" : "b", key, id])).toString("base64url");
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function invalid(): never {
  throw new UserError("invalid_cursor", "This page link is not valid (altered, or made for another sort). Start again from the first page.", { field: "cursor" });
}

export function decodeCursor(text: string, expected: { sort: UserSort; dir: "asc" | "desc" }): UserListCursor {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(text)) invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) invalid();
  const [sort, dir, direction, key, id] = parsed as unknown[];
  if (sort !== expected.sort || dir !== expected.dir || (direction !== "a" && direction !== "b") || !isUuid(id)) invalid();
  const keyOk =
    sort === "email"
      ? typeof key === "string" && key.length > 0 && key.length <= EMAIL_MAX_LENGTH
      : (typeof key === "string" && ISO_INSTANT.test(key) && !Number.isNaN(Date.parse(key))) || (key === null && sort === "lastLoginAt");
  if (!keyOk) invalid();
  return { sort: expected.sort, dir: expected.dir, direction: direction === "a" ? "after" : "before", key: key as string | null, id: (id as string).toLowerCase() };
}
