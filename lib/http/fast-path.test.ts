// The fast path against a real HTTP server: it must answer exactly as the route handlers do, take
// only its own routes, and keep the client-address rule of server.mjs (headers, not rawHeaders).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication } from "@/lib/applications";
import { ensureSigningKeys } from "@/lib/keys";
import { protocolHandlerFor, registerProtocolFastPath, serveProtocolRequest } from "./fast-path";
import { fastPath, setFastPath } from "./process-handshake.mjs";

useTestDatabase();
let server: http.Server;
let base: string;
let basic: string;

beforeAll(async () => {
  await ensureSigningKeys();
  const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
  const created = await createApplication(admin, { name: "Backend", type: "confidential", redirectUris: [], grantTypes: ["client_credentials"], allowedScopes: ["reports:read"] }, {});
  basic = `Basic ${Buffer.from(`${encodeURIComponent(created.application.clientId)}:${encodeURIComponent(created.clientSecret!)}`).toString("base64")}`;
  server = http.createServer((req, res) => {
    if (!serveProtocolRequest(req, res)) {
      res.writeHead(599);
      res.end("not mine");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("protocol fast path", () => {
  it("is handed to server.mjs through the process handshake (what server.mjs reads with fastPath())", () => {
    setFastPath(undefined);
    expect(fastPath()).toBeUndefined();
    registerProtocolFastPath();
    expect(fastPath()).toBe(serveProtocolRequest);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("portico.fastPath")]).toBe(serveProtocolRequest);
  });

  it("takes only its own paths and methods", () => {
    expect(protocolHandlerFor("POST", "/oauth2/token")).toBeTypeOf("function");
    expect(protocolHandlerFor("GET", "/oauth2/userinfo?x=1")).toBeTypeOf("function");
    expect(protocolHandlerFor("GET", "/oauth2/token")).toBeUndefined();
    expect(protocolHandlerFor("HEAD", "/oauth2/jwks")).toBeUndefined();
    expect(protocolHandlerFor("GET", "/oauth2/jwks/")).toBeUndefined();
    expect(protocolHandlerFor("GET", "/oauth2/authorize?client_id=x")).toBeTypeOf("function");
    expect(protocolHandlerFor("GET", "/oauth2/logout")).toBeUndefined();
    expect(protocolHandlerFor("GET", "/constructor")).toBeUndefined();
  });

  it("leaves other requests to Next", async () => {
    const res = await fetch(`${base}/login`);
    expect(res.status).toBe(599);
  });

  it("serves discovery and JWKS with CORS", async () => {
    const meta = await fetch(`${base}/.well-known/openid-configuration`);
    expect(meta.status).toBe(200);
    expect(meta.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await meta.json()) as { token_endpoint: string; jwks_uri: string };
    expect(body.token_endpoint).toMatch(/\/oauth2\/token$/);
    const jwks = await fetch(`${base}/oauth2/jwks`);
    expect(jwks.headers.get("content-type")).toBe("application/jwk-set+json");
    const keys = ((await jwks.json()) as { keys: Record<string, unknown>[] }).keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toHaveProperty("d");
  });

  it("issues a token for a form post, with no-store, and answers a CORS preflight", async () => {
    const res = await fetch(`${base}/oauth2/token`, {
      method: "POST",
      headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=reports%3Aread",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ token_type: "Bearer", scope: "reports:read" });
    const preflight = await fetch(`${base}/oauth2/token`, { method: "OPTIONS", headers: { Origin: "https://spa.example", "Access-Control-Request-Method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("answers OAuth errors as the route handlers do (RFC 6749 §5.2)", async () => {
    const wrong = await fetch(`${base}/oauth2/token`, {
      method: "POST",
      headers: { Authorization: "Basic " + Buffer.from("nobody:nothing").toString("base64"), "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Basic");
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    const json = await fetch(`${base}/oauth2/token`, { method: "POST", headers: { Authorization: basic, "Content-Type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
    const noToken = await fetch(`${base}/oauth2/userinfo`);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("www-authenticate")).toBe('Bearer realm="portico"'); // RFC 6750 §3.1: no error code
    const badToken = await fetch(`${base}/oauth2/userinfo`, { headers: { Authorization: "Bearer not.a.token" } });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("refuses an oversized body with 413 instead of buffering it", async () => {
    const res = await fetch(`${base}/oauth2/token`, {
      method: "POST",
      headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded" },
      body: "x=" + "a".repeat(300 * 1024),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "invalid_request" });
  });
});

describe("authorization endpoint on the fast path", () => {
  it("sends an unknown client to Portico's error page, never back to the given redirect_uri", async () => {
    const res = await fetch(`${base}/oauth2/authorize?client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code&scope=openid`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/authorize-error?reason=unknown_client");
  });

  it("re-enters a form POST as a same-site GET (303) and refuses a repeated parameter", async () => {
    const post = await fetch(`${base}/oauth2/authorize`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "client_id=a&scope=openid", redirect: "manual" });
    expect(post.status).toBe(303);
    expect(post.headers.get("location")).toBe("/oauth2/authorize?client_id=a&scope=openid");
    const repeated = await fetch(`${base}/oauth2/authorize?client_id=a&client_id=b`, { redirect: "manual" });
    expect(repeated.headers.get("location")).toBe("/authorize-error?reason=repeated_parameter");
  });
});
