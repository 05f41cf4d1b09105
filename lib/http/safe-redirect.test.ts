import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-redirect";

describe("safeNextPath (open-redirect guard)", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeNextPath("/admin?q=ada")).toBe("/admin?q=ada");
  });
  it.each(["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/\u0000x", "", "x".repeat(3000)])(
    "refuses %j",
    (next) => {
      expect(safeNextPath(next)).toBe("/account");
    },
  );
});
