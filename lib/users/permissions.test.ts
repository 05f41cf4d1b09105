import { describe, expect, it } from "vitest";
import { assertPermission, hasPermission } from "./permissions";

describe("permissions", () => {
  const admin = { id: "a", roles: ["admin"] };
  const customer = { id: "c", roles: [] };

  it("today the administrator role holds every permission", () => {
    expect(hasPermission(admin, "users:read")).toBe(true);
    expect(hasPermission(admin, "applications:write")).toBe(true);
    expect(() => assertPermission(admin, "risk:write")).not.toThrow();
  });

  it("anyone else is refused with the code 'forbidden'", () => {
    expect(hasPermission(customer, "users:read")).toBe(false);
    expect(() => assertPermission(customer, "keys:write")).toThrow(expect.objectContaining({ code: "forbidden", permission: "keys:write" }));
    expect(() => assertPermission(null, "keys:read")).toThrow(expect.objectContaining({ code: "forbidden" }));
  });
});
