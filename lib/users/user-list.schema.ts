// The console's user list: its filters, sort and page, as the GET form and the links send them.
// Shared by the page (parsing searchParams, rendering the form) and the domain (user-list.ts).
// No server-only imports here: a browser may bundle this file.
import { z } from "zod";
import { EMAIL_MAX_LENGTH } from "./users.schema";

export const USER_STATUSES = ["active", "unverified", "locked", "disabled", "pending_deletion"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const USER_STATUS_LABELS: Readonly<Record<UserStatus, string>> = {
  active: "Active",
  unverified: "Unverified",
  locked: "Locked",
  disabled: "Disabled",
  pending_deletion: "Deletion pending",
};

export const USER_SORTS = ["createdAt", "lastLoginAt", "email"] as const;
export type UserSort = (typeof USER_SORTS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;

/** The same rule as a custom attribute's name (lib/profile/attributes.schema.ts ATTRIBUTE_NAME). */
export const ATTRIBUTE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const ATTRIBUTE_VALUE_MAX_LENGTH = 1000;

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/u;

/** An empty form field means "no filter". */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .refine((v) => !CONTROL_CHARS.test(v), "Remove control characters.")
    .optional()
    .transform((v) => (v ? v : undefined));

/** A real day (no 30 February) in years the database and toISOString both write as YYYY. */
function isCalendarDay(v: string): boolean {
  if (!/^(19|[2-8]\d)\d{2}-\d{2}-\d{2}$/.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
}

/** YYYY-MM-DD from an <input type="date">: a UTC day. */
const optionalDay = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => v === undefined || isCalendarDay(v), "Enter a date as YYYY-MM-DD.");

const dayRange = (from: string | undefined, to: string | undefined) => from === undefined || to === undefined || from <= to;

export const userListQuerySchema = z
  .object({
    q: optionalText(EMAIL_MAX_LENGTH),
    email: optionalText(EMAIL_MAX_LENGTH),
    status: z.enum(USER_STATUSES, { error: "Choose a status from the list." }).optional().or(z.literal("").transform(() => undefined)),
    createdFrom: optionalDay,
    createdTo: optionalDay,
    signedInFrom: optionalDay,
    signedInTo: optionalDay,
    attr: optionalText(64).refine((v) => v === undefined || ATTRIBUTE_NAME_PATTERN.test(v), "An attribute name is lower-case letters, digits and _."),
    value: optionalText(ATTRIBUTE_VALUE_MAX_LENGTH),
    sort: z.enum(USER_SORTS).catch("createdAt"),
    dir: z.enum(["asc", "desc"]).catch("desc"),
    size: z.coerce
      .number()
      .refine((n): n is (typeof PAGE_SIZES)[number] => (PAGE_SIZES as readonly number[]).includes(n))
      .catch(25),
    /** An opaque position from a Next or Previous link (user-list-cursor.ts). */
    cursor: z.string().max(2000).optional(),
  })
  .refine((v) => dayRange(v.createdFrom, v.createdTo), { path: ["createdTo"], message: "The end comes before the start." })
  .refine((v) => dayRange(v.signedInFrom, v.signedInTo), { path: ["signedInTo"], message: "The end comes before the start." })
  .refine((v) => (v.attr === undefined) === (v.value === undefined), { path: ["value"], message: "Give both an attribute and its value." });

export type UserListQuery = z.output<typeof userListQuerySchema>;
/** The list's URL parameters as the form and links send them (strings, any of them absent). */
export const USER_LIST_PARAMS = ["q", "email", "status", "createdFrom", "createdTo", "signedInFrom", "signedInTo", "attr", "value", "sort", "dir", "size", "cursor"] as const;
export type UserListQueryInput = Partial<Record<(typeof USER_LIST_PARAMS)[number], string>>;

/** What the free-text box means: an id, an address prefix, a phone number prefix, or a name prefix. */
export type FreeText = { kind: "id"; id: string } | { kind: "email"; prefix: string } | { kind: "phone"; prefix: string } | { kind: "name"; prefix: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function interpretFreeText(q: string): FreeText {
  const text = q.trim();
  if (UUID.test(text)) return { kind: "id", id: text.toLowerCase() };
  if (text.includes("@")) return { kind: "email", prefix: text.normalize("NFC").toLowerCase() };
  // Stored numbers are E.164 ("+" and digits): spaces, dashes and brackets typed around them go.
  if (/^[+\d]/.test(text) && /^\+?[\d\s().-]+$/.test(text)) return { kind: "phone", prefix: `+${text.replace(/\D/g, "")}` };
  // Lower-cased in SQL, by the same lower() as the indexed column (the database's locale).
  return { kind: "name", prefix: text.normalize("NFC") };
}
