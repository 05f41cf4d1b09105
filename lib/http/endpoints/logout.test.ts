// The end-session endpoint as a framework-free function: the session comes from the Cookie header
// and is cleared by a Set-Cookie header, exactly the one Next wrote when the route used next/headers.
// The logout rules themselves are tested in lib/oidc/logout.test.ts.
import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication, type ApplicationDto } from "@/lib/applications";
import { ensureSigningKeys, signJwt } from "@/lib/keys";
import { issuer } from "@/lib/oidc";
import { reloadConfig } from "@/lib/config";
import { createSession, validateSession } from "@/lib/sessions";
import { clearedSessionCookie, nextAuthSecret, sessionCookieName } from "../session-cookie";
import type { EndpointRequest } from "./result";
import * as endSession from "./logout";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
const BYE = "https://shop.example.com/bye";
let shop: ApplicationDto;

beforeAll(async () => {
  await ensureSigningKeys();
  shop = (await createApplication(admin, { name: "Shop", type: "confidential", redirectUris: ["https://shop.example.com/cb"], postLogoutRedirectUris: [BYE] }, {})).application;
});

function get(query: string, cookie?: string): EndpointRequest {
  const headers = new Headers(cookie ? { cookie } : {});
  return { method: "GET", url: `/oauth2/logout?${query}`, headers, text: async () => "" };
}

async function signedIn() {
  const user = await t.db().user.create({ data: { email: `${crypto.randomUUID()}@example.com`, emailVerifiedAt: new Date() } });
  const session = await createSession(user.id, { ip: "192.0.2.1" });
  const value = await encode({ token: { sub: user.id, sid: session.token }, secret: nextAuthSecret(), maxAge: 3600 });
  const iat = Math.floor(Date.now() / 1000);
  const hint = await signJwt({ iss: issuer(), aud: shop.clientId, iat, exp: iat + 3600, sub: user.id, sid: session.id }, { alg: "ES256" });
  return { session, cookie: `${sessionCookieName()}=${encodeURIComponent(value)}`, hint };
}

describe("GET /oauth2/logout", () => {
  it("clears the session cookie with the same attributes it was set with", () => {
    const next = new ResponseCookies(new Headers());
    next.set(sessionCookieName(), "", { httpOnly: true, secure: false, sameSite: "lax", path: "/", expires: new Date(0) });
    expect(clearedSessionCookie()).toBe(next.toString());
  });

  it("on https clears the __Host- cookie with Secure (browsers ignore a __Host- Set-Cookie without it, and the cookie would stay)", () => {
    const saved = process.env.PORTICO_URL;
    process.env.PORTICO_URL = "https://id.example.com";
    reloadConfig();
    try {
      const header = clearedSessionCookie();
      expect(header).toMatch(/^__Host-portico\.session=;/);
      expect(header).toMatch(/; Secure/i);
      expect(header).toMatch(/; Path=\//);
      expect(header).not.toMatch(/Domain=/i);
    } finally {
      if (saved === undefined) delete process.env.PORTICO_URL;
      else process.env.PORTICO_URL = saved;
      reloadConfig();
    }
  });

  it("ends the session named by the hint, clears its cookie and redirects to the registered URI", async () => {
    const { session, cookie, hint } = await signedIn();
    const res = await endSession.GET(get(new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: BYE, state: "s" }).toString(), cookie));
    expect(res.status).toBe(303);
    expect(res.headers.Location).toBe(`${BYE}?state=s`);
    expect(res.headers["Cache-Control"]).toBe("no-store");
    expect(res.headers["Set-Cookie"]).toBe(clearedSessionCookie());
    expect(await validateSession(session.token)).toBeNull();
  });

  it("without a session cookie answers signed out and sets no cookie", async () => {
    const { hint } = await signedIn();
    const res = await endSession.GET(get(new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: BYE }).toString()));
    expect(res.status).toBe(303);
    expect(res.headers.Location).toBe(BYE);
    expect(res.headers["Set-Cookie"]).toBeUndefined();
  });

  it("asks the user when the hint names another session, and keeps this one", async () => {
    const mine = await signedIn();
    const other = await signedIn();
    const res = await endSession.GET(get(new URLSearchParams({ id_token_hint: other.hint }).toString(), mine.cookie));
    expect(res.status).toBe(303);
    expect(res.headers.Location).toMatch(/^\/logout\/confirm\?request=/);
    expect(res.headers["Set-Cookie"]).toBeUndefined();
    expect(await validateSession(mine.session.token)).not.toBeNull();
  });
});
