import { describe, expect, it } from "vitest";
import { DomainError, PermissionError } from "./index";

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
