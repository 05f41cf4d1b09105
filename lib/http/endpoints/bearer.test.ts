// The bearer-token wrapper's HTTP mapping (RFC 6750): where the token comes from, and every failure
// as a §3 challenge. The token checks themselves are lib/oidc's (flow.test.ts).
import { describe, expect, it } from "vitest";
import { OAuthError } from "@/lib/oidc";
import { bearerEndpoint } from "./bearer";

const FORM = "application/x-www-form-urlencoded";

function request(method: string, headers: Record<string, string> = {}, body = "") {
  return new Request("http://localhost/protected", { method, headers, body: method === "GET" ? undefined : body });
}

describe("bearerEndpoint", () => {
  const seen: Array<{ token: string | null; scopes: readonly string[] }> = [];
  const endpoint = bearerEndpoint({ scopes: ["openid", "profile"], headers: { "X-Extra": "1" } }, async (token, scopes) => {
    seen.push({ token, scopes });
    if (!token) throw new OAuthError("invalid_request", "an access token is required", 401);
    if (token === "narrow") throw new OAuthError("insufficient_scope", "the profile scope is required", 403);
    return { ok: true };
  });

  it("hands the header's token and the route's scopes to the handler, and answers its JSON", async () => {
    const res = await endpoint.GET(request("GET", { authorization: "Bearer abc" }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ ok: true });
    expect(res.headers["X-Extra"]).toBe("1");
    expect(seen.at(-1)).toEqual({ token: "abc", scopes: ["openid", "profile"] });
  });

  it("reads the token from a form body on POST (§2.2)", async () => {
    await endpoint.POST(request("POST", { "content-type": FORM }, "access_token=from-body"));
    expect(seen.at(-1)?.token).toBe("from-body");
  });

  it("no token: 401 with the bare challenge (§3.1)", async () => {
    const res = await endpoint.GET(request("GET"));
    expect(res.status).toBe(401);
    expect(res.headers["WWW-Authenticate"]).toBe('Bearer realm="portico"');
    expect(res.headers["X-Extra"]).toBe("1");
  });

  it("a token both in the header and the body is an invalid_request", async () => {
    const res = await endpoint.POST(request("POST", { "content-type": FORM, authorization: "Bearer abc" }, "access_token=abc"));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body!)).toMatchObject({ error: "invalid_request" });
  });

  it("a token without a required scope: 403 insufficient_scope with the error in the challenge", async () => {
    const res = await endpoint.GET(request("GET", { authorization: "Bearer narrow" }));
    expect(res.status).toBe(403);
    expect(res.headers["WWW-Authenticate"]).toMatch(/^Bearer realm="portico", error="insufficient_scope"/);
  });
});
