// Phone numbers as people type them ("+34 612 34 56 78", "+1 (202) 555-0143"), parsed with
// Google's libphonenumber metadata and kept in E.164 (ITU-T E.164: "+", country code, at most 15
// digits). Numbers must be written with their country code: a guessed default country would
// text a stranger when the guess is wrong.
import { parsePhoneNumberWithError, type NumberType } from "libphonenumber-js/max";
import { z } from "zod";

/** Types that cannot receive a text message. Fixed-or-mobile (the US, Canada) is allowed. */
const NOT_TEXTABLE = new Set<NumberType>(["FIXED_LINE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "UAN", "VOICEMAIL", "PAGER"]);

export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: "invalid" | "not_mobile"; message: string };

/** `mobileOnly`: the number must receive texts (a factor); a contact number may be a landline. */
export function checkPhoneNumber(input: string, { mobileOnly = true }: { mobileOnly?: boolean } = {}): PhoneCheck {
  const raw = input.trim();
  if (!raw) return { ok: false, reason: "invalid", message: mobileOnly ? "Enter your mobile number." : "Enter your phone number." };
  if (!raw.startsWith("+") && !raw.startsWith("00")) {
    return { ok: false, reason: "invalid", message: "Start with your country code, like +34 612 345 678." };
  }
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(raw.startsWith("00") ? `+${raw.slice(2)}` : raw);
  } catch {
    return { ok: false, reason: "invalid", message: "That is not a phone number. Check it and include the country code." };
  }
  if (!parsed.isValid()) return { ok: false, reason: "invalid", message: "That number does not exist. Check it and include the country code." };
  const type = parsed.getType();
  if (mobileOnly && type && NOT_TEXTABLE.has(type)) return { ok: false, reason: "not_mobile", message: "This number cannot receive text messages. Enter a mobile number." };
  return { ok: true, e164: parsed.number };
}

/** For forms: a phone number field, normalised to E.164. */
export const phoneNumberSchema = z
  .string({ error: "Enter your mobile number." })
  .max(40, "That number is too long.")
  .transform((value, ctx) => {
    const check = checkPhoneNumber(value);
    if (check.ok) return check.e164;
    ctx.addIssue({ code: "custom", message: check.message });
    return z.NEVER;
  });

/** "+34 ••• ••• •78": enough for the owner to recognise the number, not enough to call it. */
export function maskPhone(e164: string): string {
  try {
    const parsed = parsePhoneNumberWithError(e164);
    const national = parsed.nationalNumber;
    const hidden = "•".repeat(Math.max(0, national.length - 2)).replace(/(.{3})/g, "$1 ").trim();
    return `+${parsed.countryCallingCode} ${hidden}${national.slice(-2)}`;
  } catch {
    return `••••${e164.slice(-2)}`;
  }
}
