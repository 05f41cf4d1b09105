import { describe, expect, it } from "vitest";
import { isTimeZone, isValidBirthdate, profileSchema, profileUpdateSchema } from "./profile.schema";

const EMPTY = Object.fromEntries(Object.keys(profileSchema.shape).map((k) => [k, ""]));
const parse = (fields: Record<string, string>) => profileSchema.safeParse({ ...EMPTY, ...fields });
const errorOf = (fields: Record<string, string>) => {
  const r = parse(fields);
  return r.success ? null : Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
};

describe("the profile schema", () => {
  it("turns empty fields into null (a cleared claim) and keeps what was typed, trimmed and NFC", () => {
    const r = parse({ givenName: "  Zoe\u0301 ", familyName: "" });
    expect(r.success).toBe(true);
    expect(r.data!.givenName).toBe("Zoé");
    expect(r.data!.familyName).toBeNull();
    expect(r.data!.displayName).toBeNull();
  });

  it.each([
    ["birthdate", "1990-02-30", "Enter a real date"],
    ["birthdate", "21/04/1990", "Enter a real date"],
    ["birthdate", "2999-01-01", "Enter a real date"],
    ["birthdate", "1850-01-01", "Enter a real date"],
    ["pictureUrl", "http://example.com/me.png", "must start with https://"],
    ["pictureUrl", "https://user:pw@example.com/me.png", "no user name or password"],
    ["pictureUrl", "javascript:alert(1)", "must start with https://"],
    ["websiteUrl", "example.com", "Enter the full address"],
    ["zoneinfo", "Mars/Olympus_Mons", "Choose a time zone"],
    ["locale", "not a locale", "Enter a language tag"],
    ["phoneNumber", "612 34 56 78", "country code"],
    ["phoneNumber", "+1 555", "not a phone number|does not exist"],
    ["givenName", "a".repeat(101), "at most 100"],
    ["nickname", "bad\u202Ename", "invisible or control"],
    ["givenName", "two\nlines", "invisible or control"],
  ])("refuses %s = %j beside the field", (field, value, message) => {
    const errors = errorOf({ [field]: value });
    expect(errors?.[field]).toMatch(new RegExp(message));
  });

  it("accepts a landline as a contact number, in E.164; a withheld year; a canonical locale", () => {
    const r = parse({ phoneNumber: "+44 20 7946 0958", birthdate: "0000-02-29", locale: "en_gb", zoneinfo: "Europe/Paris", streetAddress: "1 Main St\nFlat 2" });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ phoneNumber: "+442079460958", birthdate: "0000-02-29", locale: "en-GB", zoneinfo: "Europe/Paris", streetAddress: "1 Main St\nFlat 2" });
  });

  it("an update names any subset of the fields and nothing else", () => {
    expect(profileUpdateSchema.safeParse({ givenName: "Ada" }).success).toBe(true);
    expect(profileUpdateSchema.safeParse({ email: "x@example.com" }).success).toBe(false);
    expect(profileUpdateSchema.safeParse({ passwordHash: "x" }).success).toBe(false);
  });

  it("birthdates and time zones by the rules of Core §5.1", () => {
    expect(isValidBirthdate("2000-02-29")).toBe(true);
    expect(isValidBirthdate("1900-02-29")).toBe(false);
    expect(isValidBirthdate("2024-01-02", new Date("2024-01-01T00:00:00Z"))).toBe(false);
    expect(isTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("+01:00")).toBe(false);
  });
});
