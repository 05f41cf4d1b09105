// A method a route does not serve: 405 with Allow (RFC 9110 §15.5.6) and a problem details body; an
// OPTIONS that names only the served methods (§9.3.7).
import { describe, expect, it } from "vitest";
import { allowHeader, otherMethods } from "./methods";

const request = (method: string) => new Request("http://localhost/x", { method });

describe("otherMethods", () => {
  it("refuses the others with 405, Allow and a problem", async () => {
    const { DELETE, PUT } = otherMethods(["GET", "POST"]);
    for (const [handler, method] of [[DELETE, "DELETE"], [PUT, "PUT"]] as const) {
      const res = await handler(request(method));
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await res.json()).toMatchObject({ type: "about:blank", status: 405, title: "Method Not Allowed" });
    }
  });

  it("answers OPTIONS with the served methods only", async () => {
    const res = await otherMethods(["POST"]).OPTIONS(request("OPTIONS"));
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
  });

  it("refuses HEAD when GET is not served, and leaves it to GET otherwise", async () => {
    const noGet = otherMethods(["POST"]);
    expect((await noGet.HEAD(request("HEAD"))).status).toBe(405);
    expect(Object.keys(otherMethods(["GET"])).sort()).toEqual(["DELETE", "OPTIONS", "PATCH", "POST", "PUT"]);
  });

  it("lists methods in a stable order", () => {
    expect(allowHeader(["DELETE", "GET"])).toBe("GET, HEAD, DELETE, OPTIONS");
  });
});
