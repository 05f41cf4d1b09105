// OpenID Connect round trips against a real oidc-provider on localhost: the authorization request,
// the provider's redirects followed as a browser would, the callback redeemed into an identity;
// and the callbacks that must be refused.
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refusal } from "@/test/upstreams/refusal";
import { reloadConfig } from "@/lib/config";
import { followToCallback } from "@/test/upstreams/browser";
import { allowLoopback, testConnection } from "@/test/upstreams/connection";
import { startOidcUpstream, type OidcUpstream } from "@/test/upstreams/oidc-upstream";
import { redeemUpstreamCallback, upstreamAuthorizationUrl, type UpstreamAuthorization } from "./index";
import { forgetProviderMetadata } from "./discovery";
import { validateIdToken } from "./id-token";

const REDIRECT = "https://portico.example/federation/acme/callback";
const SECRET = "s3cret-of-the-portico-client";
let up: OidcUpstream;

const connection = (over: Record<string, unknown> = {}, secret: string | null = SECRET) =>
  testConnection({ protocol: "oidc", issuer: up.issuer, clientId: "portico", ...over }, { clientSecret: secret, name: "Acme ID" });

/** Authorization request -> the upstream -> the callback's parameters. */
async function signInAt(c = connection()): Promise<{ auth: UpstreamAuthorization; params: URLSearchParams }> {
  const auth = await upstreamAuthorizationUrl(c, REDIRECT, { loginHint: "alice@example.com" });
  return { auth, params: await followToCallback(auth.url, REDIRECT) };
}

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  up = await startOidcUpstream({
    clients: [
      { clientId: "portico", clientSecret: SECRET, redirectUris: [REDIRECT] },
      { clientId: "other-app", clientSecret: "other-secret", redirectUris: [REDIRECT] },
    ],
    accounts: [
      {
        sub: "alice-sub",
        email: "Alice@Example.COM",
        email_verified: true,
        name: "Alice Liddell",
        given_name: "Alice",
        family_name: "Liddell",
        picture: "https://img.example/alice.png",
        locale: "en-GB",
        amr: ["pwd", "mfa"],
      },
      { sub: "bob-sub", email: "bob@example.com", email_verified: false, name: "Bob" },
    ],
  });
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await up?.close();
});
beforeEach(() => {
  up.next = "alice-sub";
  up.requests.length = 0;
});

describe("the authorization request", () => {
  it("asks for a code with PKCE S256, a state, a nonce and the exact redirect URI", async () => {
    const auth = await upstreamAuthorizationUrl(connection({ scopes: ["email", "profile"] }), REDIRECT, { loginHint: "alice@example.com" });
    const url = new URL(auth.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${up.issuer}/auth`);
    const q = url.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe("portico");
    expect(q.get("redirect_uri")).toBe(REDIRECT);
    expect(q.get("scope")).toBe("openid email profile");
    expect(q.get("state")).toBe(auth.state);
    expect(q.get("nonce")).toBe(auth.nonce);
    expect(q.get("login_hint")).toBe("alice@example.com");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toBe(crypto.createHash("sha256").update(auth.codeVerifier).digest("base64url"));
    expect(q.get("code_challenge")).not.toBe(auth.codeVerifier);
    expect(auth.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await upstreamAuthorizationUrl(connection(), REDIRECT);
    expect(again.state).not.toBe(auth.state);
    expect(again.nonce).not.toBe(auth.nonce);
  });

  it("refuses a discovery document that names another issuer", async () => {
    const c = testConnection({ protocol: "oidc", issuer: up.issuer.replace("127.0.0.1", "localhost"), clientId: "portico" }, { clientSecret: SECRET });
    expect((await refusal(upstreamAuthorizationUrl(c, REDIRECT))).code).toBe("invalid_response");
  });
});

describe("a round trip", () => {
  it("redeems the code into the identity: ID token validated, UserInfo merged, claims mapped", async () => {
    const { auth, params } = await signInAt();
    expect(params.get("code")).toBeTruthy();
    expect(params.get("iss")).toBe(up.issuer);
    const id = await redeemUpstreamCallback(connection(), REDIRECT, params, auth);
    expect(id.subject).toBe("alice-sub");
    expect(id.email).toBe("alice@example.com");
    expect(id.emailVerified).toBe(true);
    expect(id.profile).toEqual({ name: "Alice Liddell", given_name: "Alice", family_name: "Liddell", picture: "https://img.example/alice.png", locale: "en-GB" });
    expect(id.amr).toEqual(["fed", "pwd", "mfa"]);
    expect(id.tokens.accessToken).toBeTruthy();
    expect(id.tokens.idToken?.split(".")).toHaveLength(3);
    expect(id.tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    // client_secret_basic at the token endpoint, then UserInfo with the access token.
    const token = up.requests.find((r) => r.path === "/token");
    expect(token?.authorization).toBe(`Basic ${Buffer.from(`portico:${SECRET}`).toString("base64")}`);
    expect(up.requests.find((r) => r.path === "/me")?.authorization).toBe(`Bearer ${id.tokens.accessToken}`);
  });

  it("reads an unverified address as unverified, and maps claims as the connection says", async () => {
    up.next = "bob-sub";
    const c = connection({ claimMapping: { name: "email", "attr.verified_upstream": "email_verified" } });
    const { auth, params } = await signInAt(c);
    const id = await redeemUpstreamCallback(c, REDIRECT, params, auth);
    expect(id).toMatchObject({ subject: "bob-sub", email: "bob@example.com", emailVerified: false, amr: ["fed"] });
    expect(id.profile).toEqual({ name: "bob@example.com", "attr.verified_upstream": false });
  });

  it("accepts the callback as a form_post body carries it", async () => {
    const { auth, params } = await signInAt();
    const body = new URLSearchParams(params.toString());
    expect((await redeemUpstreamCallback(connection(), REDIRECT, body, auth)).subject).toBe("alice-sub");
  });
});

describe("refusals", () => {
  it("a state other than the one sent, before anything is redeemed", async () => {
    const { auth, params } = await signInAt();
    const e = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, { ...auth, state: auth.state.slice(0, -1) + "x" }));
    expect(e.code).toBe("invalid_state");
    expect(up.requests.some((r) => r.path === "/token")).toBe(false);
    params.delete("state");
    expect((await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth))).code).toBe("invalid_state");
  });

  it("the customer declining at the upstream (error=access_denied)", async () => {
    up.next = "deny";
    const { auth, params } = await signInAt();
    expect(params.get("error")).toBe("access_denied");
    const e = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth));
    expect(e.code).toBe("upstream_error");
    expect(e.details.upstreamError).toBe("access_denied");
    expect(e.message).toMatch(/cancelled/);
  });

  it("a code used twice, or garbled", async () => {
    const { auth, params } = await signInAt();
    await redeemUpstreamCallback(connection(), REDIRECT, params, auth);
    const replay = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth));
    expect(replay.code).toBe("upstream_error");
    expect(replay.details.upstreamError).toBe("invalid_grant");

    const fresh = await signInAt();
    const code = fresh.params.get("code")!;
    fresh.params.set("code", code.slice(0, -2) + "zz");
    const garbled = await refusal(redeemUpstreamCallback(connection(), REDIRECT, fresh.params, fresh.auth));
    expect(garbled.details.upstreamError).toBe("invalid_grant");
    expect(garbled.message).not.toContain(code.slice(0, 10));
  });

  it("a missing code", async () => {
    const { auth, params } = await signInAt();
    params.delete("code");
    expect((await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth))).code).toBe("invalid_response");
  });

  it("the wrong code verifier (PKCE)", async () => {
    const { auth, params } = await signInAt();
    const e = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, { ...auth, codeVerifier: "x".repeat(43) }));
    expect(e.details.upstreamError).toBe("invalid_grant");
  });

  it("an ID token whose nonce is not the one sent", async () => {
    const { auth, params } = await signInAt();
    const e = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, { ...auth, nonce: "another-nonce-entirely" }));
    expect(e.code).toBe("invalid_response");
    expect(e.message).toMatch(/nonce/);
  });

  it("an iss parameter other than the issuer, or none when the issuer announces it (RFC 9207)", async () => {
    const { auth, params } = await signInAt();
    params.set("iss", "https://evil.example");
    expect((await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth))).code).toBe("invalid_response");
    params.delete("iss");
    expect((await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth))).code).toBe("invalid_response");
    expect(up.requests.some((r) => r.path === "/token")).toBe(false);
  });

  it("an ID token issued to another application", async () => {
    const other = connection({ clientId: "other-app" }, "other-secret");
    const { auth, params } = await signInAt(other);
    const id = await redeemUpstreamCallback(other, REDIRECT, params, auth);
    const e = await refusal(
      validateIdToken(id.tokens.idToken!, { settings: { issuer: up.issuer, clientId: "portico" }, jwksUri: `${up.issuer}/jwks`, nonce: auth.nonce, upstreamName: "Acme ID" }),
    );
    expect(e.code).toBe("invalid_response");
    expect(e.message).toMatch(/another application/);
  });

  it("the wrong client secret", async () => {
    const c = connection({}, "not-the-secret");
    const { auth, params } = await signInAt(c);
    const e = await refusal(redeemUpstreamCallback(c, REDIRECT, params, auth));
    expect(e.code).toBe("upstream_error");
    expect(e.details.upstreamError).toBe("invalid_client");
    expect(e.message).not.toContain("not-the-secret");
  });

  it("an upstream on this machine while the outbound policy does not allow loopback", async () => {
    forgetProviderMetadata();
    allowLoopback(false, reloadConfig);
    try {
      const e = await refusal(upstreamAuthorizationUrl(connection(), REDIRECT));
      expect(e.code).toBe("upstream_unreachable");
      expect(up.requests).toHaveLength(0);
    } finally {
      allowLoopback(true, reloadConfig);
    }
  });
});
