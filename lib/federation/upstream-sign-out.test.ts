// Signing out at the provider a customer signed in through (OpenID Connect RP-Initiated Logout 1.0),
// against oidc-provider on localhost: a federated sign-in keeps its identity with the session and
// the provider's ID token (sealed); signing out of Portico, or an application's RP-initiated logout,
// sends the browser through the provider's end_session_endpoint (which accepts Portico's hint,
// client and post-logout URI) and back to where the sign-out was headed.
import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication, type ApplicationDto } from "@/lib/applications";
import { config, reloadConfig } from "@/lib/config";
import { ensureSigningKeys, signJwt } from "@/lib/keys";
import { endUserSession, issuer } from "@/lib/oidc";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { validateSession } from "@/lib/sessions";
import { completeFederatedRegistration, findPendingSecondStep, finishFederation, startFederation, type FederationBrowser } from "@/lib/sign-in";
import * as endSessionEndpoint from "@/lib/http/endpoints/logout";
import { nextAuthSecret, sessionCookieName } from "@/lib/http/session-cookie";
import { followToCallback, followUpstreamSignOut } from "@/test/upstreams/browser";
import { allowLoopback } from "@/test/upstreams/connection";
import { startOidcUpstream, type OidcUpstream } from "@/test/upstreams/oidc-upstream";
import { signedOutPath } from "./connection.schema";
import { afterUpstreamSignOut, createConnection, redirectUriOf, upstreamSignOutUrl } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.80", userAgent: "vitest" };
const admin = { id: "00000000-0000-4000-8000-00000000f002", roles: ["admin"] };
const SECRET = "upstream-client-secret-for-portico";
const BYE = "https://shop.example.com/bye";

let upstream: OidcUpstream;
let shop: ApplicationDto;
const signedOutUrl = (slug: string) => new URL(signedOutPath(slug), config().publicUrl).toString();

const browser = (): FederationBrowser => {
  const binding = crypto.randomBytes(32).toString("base64url");
  return { binding, interactionBinding: binding };
};

/** Registers `account` through the connection: the session's cookie token. */
async function registerThrough(slug: string, account: string): Promise<string> {
  upstream.next = account;
  const b = browser();
  const { redirectTo } = await startFederation(slug, { next: "/account" }, ctx, b);
  const params = await followToCallback(redirectTo, redirectUriOf(slug));
  const outcome = await finishFederation(slug, params, ctx, b, null);
  if (outcome.kind === "continue") throw new Error("expected a first sign-in");
  const token = new URL(outcome.redirectTo, "http://x").searchParams.get("token");
  const signedIn = await completeFederatedRegistration(token, { acceptedDocuments: [], consents: {} }, ctx, b);
  return signedIn.cookies.session!.token;
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  await ensureSigningKeys();
  upstream = await startOidcUpstream({
    clients: [{ clientId: "portico", clientSecret: SECRET, redirectUris: [redirectUriOf("acme-out"), redirectUriOf("acme-stay")], postLogoutRedirectUris: [signedOutUrl("acme-out")] }],
    accounts: [
      { sub: "ada-sub", email: "ada@out.example", email_verified: true, name: "Ada" },
      { sub: "bea-sub", email: "bea@stay.example", email_verified: true, name: "Bea" },
      { sub: "cy-sub", email: "cy@out.example", email_verified: true, name: "Cy" },
      { sub: "dee-sub", email: "dee@out.example", email_verified: true, name: "Dee" },
    ],
  });
  const settings = { protocol: "oidc", issuer: upstream.issuer, clientId: "portico", scopes: ["openid", "email", "profile"], claimMapping: {} };
  await createConnection(admin, { slug: "acme-out", name: "Acme ID", settings: { ...settings, signOutUpstream: true }, clientSecret: SECRET, trustEmailVerified: true }, ctx);
  await createConnection(admin, { slug: "acme-stay", name: "Acme Stay", settings, clientSecret: SECRET, trustEmailVerified: true }, ctx);
  shop = (await createApplication(admin, { name: "Shop", type: "confidential", redirectUris: ["https://shop.example.com/cb"], postLogoutRedirectUris: [BYE] }, {})).application;
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await upstream?.close();
});
beforeEach(() => resetFixedWindowLimitsForTests());

describe("signing out at the provider", () => {
  it("keeps the identity with the session and the provider's ID token sealed; signing out goes through the provider and back", async () => {
    const token = await registerThrough("acme-out", "ada-sub");
    const session = await validateSession(token);
    const identity = await t.db().linkedIdentity.findFirstOrThrow({ where: { subject: "ada-sub" } });
    expect(session?.linkedIdentityId).toBe(identity.id);
    // Only the ID token is kept (the connection keeps no tokens for applications), and never in the clear.
    expect(identity.accessTokenSealed).toBeNull();
    expect(identity.idTokenSealed).toBeTruthy();
    expect(identity.idTokenSealed).not.toMatch(/^eyJ/);

    const ended = await endUserSession(token, ctx);
    const url = new URL((await upstreamSignOutUrl(ended!.linkedIdentityId, "/login?signedOut=1"))!);
    expect(`${url.origin}${url.pathname}`).toBe(`${upstream.issuer}/session/end`);
    expect(url.searchParams.get("client_id")).toBe("portico");
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(signedOutUrl("acme-out"));
    expect(payloadOf(url.searchParams.get("id_token_hint")!)).toMatchObject({ iss: upstream.issuer, sub: "ada-sub", aud: "portico" });

    // The provider accepts the hint, the client and the URI, signs out, and sends the browser back with the state.
    const back = await followUpstreamSignOut(url.toString(), signedOutUrl("acme-out"));
    expect(afterUpstreamSignOut("acme-out", back.get("state"))).toBe("/login?signedOut=1");
    // The state opens only for its own connection, and only as sealed.
    expect(afterUpstreamSignOut("acme-stay", back.get("state"))).toBeNull();
    expect(afterUpstreamSignOut("acme-out", `${back.get("state")!.slice(0, -2)}AA`)).toBeNull();
    expect(afterUpstreamSignOut("acme-out", null)).toBeNull();
  });

  it("an application's RP-initiated logout goes by way of the provider, then to the application's post-logout URI with its state", async () => {
    const token = await registerThrough("acme-out", "cy-sub");
    const session = (await validateSession(token))!;
    const cookie = `${sessionCookieName()}=${encodeURIComponent(await encode({ token: { sub: session.user.id, sid: token }, secret: nextAuthSecret(), maxAge: 3600 }))}`;
    const iat = Math.floor(Date.now() / 1000);
    const hint = await signJwt({ iss: issuer(), aud: shop.clientId, iat, exp: iat + 3600, sub: session.user.id, sid: session.id }, { alg: "ES256" });
    const query = new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: BYE, state: "rp-state" });
    const answer = await endSessionEndpoint.GET({ method: "GET", url: `/oauth2/logout?${query}`, headers: new Headers({ cookie }), text: async () => "" });
    expect(answer.status).toBe(303);
    expect(answer.headers["Set-Cookie"]).toContain(sessionCookieName());
    const location = answer.headers.Location!;
    expect(location.startsWith(`${upstream.issuer}/session/end?`)).toBe(true);
    expect(await validateSession(token)).toBeNull();
    const back = await followUpstreamSignOut(location, signedOutUrl("acme-out"));
    const final = new URL(afterUpstreamSignOut("acme-out", back.get("state"))!);
    expect(`${final.origin}${final.pathname}`).toBe(BYE);
    expect(final.searchParams.get("state")).toBe("rp-state");
  });

  it("does not leave Portico for a provider that does not sign out upstream, nor for a session signed in otherwise", async () => {
    const token = await registerThrough("acme-stay", "bea-sub");
    const ended = await endUserSession(token, ctx);
    expect(ended?.linkedIdentityId).toBeTruthy();
    expect(await upstreamSignOutUrl(ended!.linkedIdentityId, "/login?signedOut=1")).toBeNull();
    // No ID token is kept for a connection that needs none.
    expect((await t.db().linkedIdentity.findFirstOrThrow({ where: { subject: "bea-sub" } })).idTokenSealed).toBeNull();
    expect(await upstreamSignOutUrl(null, "/login?signedOut=1")).toBeNull();
  });

  it("a sign-in that waits for a second step keeps the identity for the session it leads to", async () => {
    // Ada again, from a browser Portico has not seen: the risk engine asks for a second step.
    upstream.next = "ada-sub";
    const b = browser();
    const { redirectTo } = await startFederation("acme-out", { next: "/account" }, ctx, b);
    const outcome = await finishFederation("acme-out", await followToCallback(redirectTo, redirectUriOf("acme-out")), ctx, b, null);
    expect(outcome).toMatchObject({ kind: "continue", outcome: { redirectTo: "/login/verify" } });
    const pending = await findPendingSecondStep((outcome as { outcome: { cookies: { pendingSignIn: { token: string } } } }).outcome.cookies.pendingSignIn.token);
    const identity = await t.db().linkedIdentity.findFirstOrThrow({ where: { subject: "ada-sub" } });
    expect(pending?.linkedIdentityId).toBe(identity.id);
  });

  it("does not leave Portico once the identity is unlinked or the connection disabled", async () => {
    const token = await registerThrough("acme-out", "dee-sub");
    const { linkedIdentityId } = (await validateSession(token))!;
    await t.db().connection.update({ where: { slug: "acme-out" }, data: { enabled: false } });
    try {
      expect(await upstreamSignOutUrl(linkedIdentityId, "/")).toBeNull();
    } finally {
      await t.db().connection.update({ where: { slug: "acme-out" }, data: { enabled: true } });
    }
    expect(await upstreamSignOutUrl(linkedIdentityId, "/")).not.toBeNull();
    await t.db().linkedIdentity.delete({ where: { id: linkedIdentityId! } });
    expect((await validateSession(token))?.linkedIdentityId).toBeNull();
    expect(await upstreamSignOutUrl(linkedIdentityId, "/")).toBeNull();
  });
});
