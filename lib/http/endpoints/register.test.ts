// The RFC 7591 endpoint's HTTP mapping (./register.ts, served as Next serves it): status codes, error
// shapes, WWW-Authenticate, no-store. The domain rules are tested in lib/applications/registration.test.ts.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createInitialAccessToken } from "@/lib/applications";
import { nextRoute } from "./result";
import * as registrationEndpoint from "./register";

const POST = nextRoute(registrationEndpoint.POST);

useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };

function post(body: string, headers: Record<string, string> = {}) {
  return POST(new Request("http://localhost/oauth2/register", { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));
}

describe("POST /oauth2/register", () => {
  it("answers 201 with the client information, never cached", async () => {
    const { token } = await createInitialAccessToken(admin, "route");
    const res = await post(JSON.stringify({ client_name: "RP", redirect_uris: ["https://rp.example.com/cb"] }), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toMatchObject({ client_name: "RP", client_secret_expires_at: 0, token_endpoint_auth_method: "client_secret_basic" });
    expect(body.client_id).toBeTruthy();
    expect(body.client_secret).toBeTruthy();
  });

  it.each([
    ["no Authorization header", {}],
    ["an unknown token", { authorization: `Bearer ${"A".repeat(43)}` }],
    ["another scheme", { authorization: "Basic dXNlcjpwYXNz" }],
  ])("answers 401 invalid_token for %s", async (_why, headers) => {
    const res = await post(JSON.stringify({ redirect_uris: ["https://rp.example.com/cb"] }), headers);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect((await res.json()).error).toBe("invalid_token");
  });

  it("answers 400 (not 500) for a body that is not JSON, and for bad metadata", async () => {
    const { token } = await createInitialAccessToken(admin, "route-bad");
    const auth = { authorization: `Bearer ${token}` };
    const notJson = await post("{redirect_uris:", auth);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: "invalid_client_metadata" });
    const wrongType = await post("redirect_uris=x", { ...auth, "content-type": "application/x-www-form-urlencoded" });
    expect(wrongType.status).toBe(400);
    const badUri = await post(JSON.stringify({ redirect_uris: ["http://rp.example.com/cb"] }), auth);
    expect(badUri.status).toBe(400);
    const err = await badUri.json();
    expect(err.error).toBe("invalid_redirect_uri");
    expect(err.error_description).toMatch(/redirect_uris/);
    expect(badUri.headers.get("cache-control")).toBe("no-store");
  });
});
