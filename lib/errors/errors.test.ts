import { describe, expect, it } from "vitest";
import { DomainError, PermissionError, fieldErrorsOf } from "./index";

describe("DomainError", () => {
  it("carries a stable code, the message and the field it belongs to", () => {
    const e = new DomainError("invalid_input", "Too long.", "name");
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ code: "invalid_input", message: "Too long.", field: "name", shownToUser: false });
  });

  it("a missing permission is the code 'forbidden', shown to the person, naming the permission", () => {
    expect(new PermissionError("users:read")).toMatchObject({ code: "forbidden", permission: "users:read", shownToUser: true });
  });
});

describe("fieldErrorsOf", () => {
  it("keeps each field's first message, names a whole-input issue 'form', and renames fields when asked", () => {
    const issues = [
      { path: ["email"], message: "Enter an email." },
      { path: ["email"], message: "Too long." },
      { path: [], message: "Nothing to save." },
      { path: ["tier", 0], message: "Choose a tier." },
    ];
    expect(fieldErrorsOf(issues)).toEqual({ email: "Enter an email.", form: "Nothing to save.", tier: "Choose a tier." });
    expect(fieldErrorsOf(issues, (k) => `attr.${k}`)).toMatchObject({ "attr.email": "Enter an email.", "attr.tier": "Choose a tier." });
  });
});
