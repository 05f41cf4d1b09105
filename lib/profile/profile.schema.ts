// The customer's profile: the OpenID Connect standard claims (Core §5.1) Portico holds, as one
// schema that every write path parses (the portal form today; the console and APIs use the same).
// No server-only imports here: the browser bundles this file for the form's limits.
import { z } from "zod";
import { displayNameSchema } from "@/lib/users/users.schema";
import { checkPhoneNumber } from "@/lib/sms/sms.schema";

export const NAME_MAX_LENGTH = 100;
export const URL_MAX_LENGTH = 2048;
export const ADDRESS_LINE_MAX_LENGTH = 200;

// Control characters, zero-width characters and bidi overrides have no place in a profile.
const UNSAFE_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** A form's text field: trimmed, NFC, "" clears the value (null). */
function text(max: number, { multiline = false } = {}) {
  return z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .refine((v) => !UNSAFE_CHARS.test(v) && (multiline || !v.includes("\n")), "Remove invisible or control characters.")
    .transform((v) => (v ? v.normalize("NFC") : null));
}

/** A web address shown to others (picture, website): https only, never fetched by Portico. */
function webAddress(what: string) {
  return z
    .string()
    .trim()
    .max(URL_MAX_LENGTH, `Use at most ${URL_MAX_LENGTH} characters.`)
    .transform((v, ctx) => {
      if (!v) return null;
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        ctx.addIssue({ code: "custom", message: `Enter the full address of ${what}, starting with https://.` });
        return z.NEVER;
      }
      if (url.protocol !== "https:" || url.username || url.password) {
        ctx.addIssue({ code: "custom", message: `The address of ${what} must start with https:// and hold no user name or password.` });
        return z.NEVER;
      }
      return url.href;
    });
}

/** Core §5.1: YYYY-MM-DD, or 0000-MM-DD when the year is withheld; a real day, not in the future. */
export function isValidBirthdate(v: string, today = new Date()): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leapYear = year === 0 ? 2000 : year; // without a year, 29 February is a birthday
  const date = new Date(Date.UTC(leapYear, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  if (year === 0) return true;
  return year >= 1900 && date.getTime() <= today.getTime();
}

const birthdate = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (!v) return null;
    if (!isValidBirthdate(v)) {
      ctx.addIssue({ code: "custom", message: "Enter a real date in the past, like 1990-04-21." });
      return z.NEVER;
    }
    return v;
  });

/** Core §5.1 zoneinfo: an IANA time zone name, as the runtime knows it. */
export function isTimeZone(v: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: v });
    return /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(v);
  } catch {
    return false;
  }
}

const zoneinfo = z
  .string()
  .trim()
  .max(64, "Choose a time zone from the list.")
  .transform((v, ctx) => {
    if (!v) return null;
    if (!isTimeZone(v)) {
      ctx.addIssue({ code: "custom", message: "Choose a time zone from the list, like Europe/Paris." });
      return z.NEVER;
    }
    return v;
  });

/** Core §5.1 locale: a BCP 47 language tag (RFC 5646), stored in its canonical form. */
const locale = z
  .string()
  .trim()
  .max(35, "Enter a language tag like en-GB.")
  .transform((v, ctx) => {
    if (!v) return null;
    try {
      const [canonical] = Intl.getCanonicalLocales(v.replace(/_/g, "-"));
      if (canonical) return canonical;
    } catch {
      // falls through to the message
    }
    ctx.addIssue({ code: "custom", message: "Enter a language tag like en-GB or pt-BR." });
    return z.NEVER;
  });

/** A contact number in E.164 (Core §5.1 recommends it); landlines are fine here. */
const phoneNumber = z
  .string()
  .trim()
  .max(40, "That number is too long.")
  .transform((v, ctx) => {
    if (!v) return null;
    const check = checkPhoneNumber(v, { mobileOnly: false });
    if (check.ok) return check.e164;
    ctx.addIssue({ code: "custom", message: check.message });
    return z.NEVER;
  });

export const profileSchema = z.object({
  displayName: displayNameSchema.transform((v) => v ?? null),
  givenName: text(NAME_MAX_LENGTH),
  familyName: text(NAME_MAX_LENGTH),
  middleName: text(NAME_MAX_LENGTH),
  nickname: text(NAME_MAX_LENGTH),
  pictureUrl: webAddress("your picture"),
  websiteUrl: webAddress("your website"),
  gender: text(40),
  birthdate,
  zoneinfo,
  locale,
  phoneNumber,
  // Core §5.1.1 address members (`formatted` is derived from them: lib/profile/claims.ts).
  streetAddress: text(ADDRESS_LINE_MAX_LENGTH, { multiline: true }),
  locality: text(100),
  region: text(100),
  postalCode: text(20),
  country: text(100),
});

export const ADDRESS_FIELDS = ["streetAddress", "locality", "region", "postalCode", "country"] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export type Address = Record<AddressField, string | null>;

/** What a write may carry: any subset of the fields; a field that is present and empty clears it. */
export const profileUpdateSchema = profileSchema.partial().strict();
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;
export type Profile = z.infer<typeof profileSchema>;

/** Every field of the profile, in the form's order. */
export const PROFILE_FIELDS = Object.keys(profileSchema.shape) as (keyof Profile)[];

/** The form's fields as the schema parses them: every field posted, "" where empty. */
export function profileInputFromForm(form: FormData): Record<string, string> {
  return Object.fromEntries(PROFILE_FIELDS.map((name) => {
    const v = form.get(name);
    return [name, typeof v === "string" ? v : ""];
  }));
}
