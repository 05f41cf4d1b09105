import { describe, expect, it } from "vitest";
import { checkPhoneNumber, maskPhone, phoneNumberSchema } from "./sms.schema";

describe("phone numbers", () => {
  it("normalises what people type to E.164", () => {
    expect(phoneNumberSchema.parse("+34 612 34 56 78")).toBe("+34612345678");
    expect(phoneNumberSchema.parse(" +1 (202) 555-0143 ")).toBe("+12025550143");
    expect(phoneNumberSchema.parse("0033 6 12 34 56 78")).toBe("+33612345678");
  });

  it("needs the country code rather than guessing it", () => {
    const r = checkPhoneNumber("612 345 678");
    expect(r).toMatchObject({ ok: false, reason: "invalid" });
    expect(!r.ok && r.message).toMatch(/country code/);
  });

  it("refuses numbers that do not exist and numbers that cannot take a text", () => {
    expect(checkPhoneNumber("+34 123")).toMatchObject({ ok: false, reason: "invalid" });
    expect(checkPhoneNumber("+44 20 7946 0958")).toMatchObject({ ok: false, reason: "not_mobile" }); // London landline
    expect(checkPhoneNumber("+1 800 555 0100")).toMatchObject({ ok: false, reason: "not_mobile" }); // toll free
    expect(checkPhoneNumber("+34 abc")).toMatchObject({ ok: false });
    expect(checkPhoneNumber("")).toMatchObject({ ok: false });
    const parsed = phoneNumberSchema.safeParse("+34 123");
    expect(parsed.success).toBe(false);
    expect(phoneNumberSchema.safeParse("+3".padEnd(60, "1")).success).toBe(false);
  });

  it("masks all but the country code and the last two digits", () => {
    expect(maskPhone("+34612345678")).toBe("+34 ••• ••• •78");
    expect(maskPhone("+12025550143")).toBe("+1 ••• ••• ••43");
    expect(maskPhone("+34612345678")).not.toContain("6123");
  });
});
