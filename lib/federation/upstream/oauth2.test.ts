// OAuth 2.0 round trips against a GitHub-like server on localhost: the authorization request, the
// redirect back, the code redeemed, the profile and the verified address read; and refusals.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refusal } from "@/test/upstreams/refusal";
import { reloadConfig } from "@/lib/config";
import { PRESETS } from "@/lib/federation/connection.schema";
import { followToCallback } from "@/test/upstreams/browser";
import { allowLoopback, testConnection } from "@/test/upstreams/connection";
import { startGitHubLike, type GitHubLike, type GitHubUser } from "@/test/upstreams/github-like";
import { redeemUpstreamCallback, upstreamAuthorizationUrl } from "./index";

const REDIRECT = "https://portico.example/federation/github/callback";
const OCTOCAT: GitHubUser = {
  id: 583231,
  login: "octocat",
  name: "The Octocat",
  email: null,
  avatar_url: "https://avatars.example/u/583231",
  emails: [
    { email: "octo@users.noreply.example", primary: false, verified: true, visibility: null },
    { email: "Octocat@Example.com", primary: true, verified: true, visibility: "private" },
    { email: "old@example.com", primary: false, verified: false, visibility: null },
  ],
};
let gh: GitHubLike;

/** GitHub's preset with the stand-in's endpoints. */
const connection = (over: Record<string, unknown> = {}, secret?: string | null) =>
  testConnection(
    {
      ...PRESETS.github.settings,
      authorizationEndpoint: `${gh.url}/login/oauth/authorize`,
      tokenEndpoint: `${gh.url}/login/oauth/access_token`,
      userinfoEndpoint: `${gh.url}/user`,
      emailsEndpoint: `${gh.url}/user/emails`,
      clientId: gh.clientId,
      ...over,
    },
    { clientSecret: secret === undefined ? gh.clientSecret : secret, name: "GitHub", preset: "github" },
  );

async function signInAt(c = connection()) {
  const auth = await upstreamAuthorizationUrl(c, REDIRECT, { loginHint: "octocat" });
  return { auth, params: await followToCallback(auth.url, REDIRECT) };
}

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  gh = await startGitHubLike({ redirectUri: REDIRECT, user: OCTOCAT });
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await gh?.close();
});
beforeEach(() => {
  gh.user = structuredClone(OCTOCAT);
  gh.deny = false;
  gh.requests.length = 0;
});

describe("a round trip", () => {
  it("asks with PKCE S256 and a state, no nonce; GitHub's login hint", async () => {
    const auth = await upstreamAuthorizationUrl(connection(), REDIRECT, { loginHint: "octocat" });
    const q = new URL(auth.url).searchParams;
    expect(auth.nonce).toBeNull();
    expect(q.get("nonce")).toBeNull();
    expect(q.get("scope")).toBe("read:user user:email");
    expect(q.get("state")).toBe(auth.state);
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("redirect_uri")).toBe(REDIRECT);
    expect(q.get("login")).toBe("octocat");
  });

  it("reads the profile and the primary verified address", async () => {
    const { auth, params } = await signInAt();
    const id = await redeemUpstreamCallback(connection(), REDIRECT, params, auth);
    expect(id).toMatchObject({ subject: "583231", email: "octocat@example.com", emailVerified: true, amr: ["fed"] });
    expect(id.profile).toEqual({ name: "The Octocat", picture: "https://avatars.example/u/583231" });
    expect(id.tokens).toMatchObject({ refreshToken: null, idToken: null, expiresAt: null });
    expect(id.tokens.accessToken).toMatch(/^gho_/);
    // client_secret_post (the preset's), then the API with the token, JSON and a User-Agent.
    const token = gh.requests.find((r) => r.path === "/login/oauth/access_token")!;
    expect(token.authorization).toBeUndefined();
    expect(token.accept).toBe("application/json");
    for (const path of ["/user", "/user/emails"]) {
      const r = gh.requests.find((x) => x.path === path)!;
      expect(r.authorization).toBe(`Bearer ${id.tokens.accessToken}`);
      expect(r.accept).toBe("application/json");
      expect(r.userAgent).toBeTruthy();
    }
  });

  it("with client_secret_basic", async () => {
    const c = connection({ tokenEndpointAuthMethod: "client_secret_basic" });
    const { auth, params } = await signInAt(c);
    expect((await redeemUpstreamCallback(c, REDIRECT, params, auth)).subject).toBe("583231");
    expect(gh.requests.find((r) => r.path === "/login/oauth/access_token")?.authorization).toMatch(/^Basic /);
  });

  it("takes another verified address when the primary is not verified", async () => {
    gh.user.emails[1]!.verified = false;
    const { auth, params } = await signInAt();
    expect(await redeemUpstreamCallback(connection(), REDIRECT, params, auth)).toMatchObject({ email: "octo@users.noreply.example", emailVerified: true });
  });

  it("an address only from the profile is unverified", async () => {
    gh.user.email = "Public@Example.com";
    for (const e of gh.user.emails) e.verified = false;
    const { auth, params } = await signInAt();
    expect(await redeemUpstreamCallback(connection(), REDIRECT, params, auth)).toMatchObject({ email: "public@example.com", emailVerified: false });

    // Without the user:email scope the emails endpoint answers 404: the profile's address, unverified.
    gh.user = structuredClone(OCTOCAT);
    gh.user.email = "public@example.com";
    const c = connection({ scopes: ["read:user"] });
    const again = await signInAt(c);
    expect(await redeemUpstreamCallback(c, REDIRECT, again.params, again.auth)).toMatchObject({ email: "public@example.com", emailVerified: false });
  });

  it("no address at all", async () => {
    gh.user.emails = [];
    const { auth, params } = await signInAt();
    expect(await redeemUpstreamCallback(connection(), REDIRECT, params, auth)).toMatchObject({ email: null, emailVerified: false });
  });
});

describe("refusals", () => {
  it("a state other than the one sent", async () => {
    const { auth, params } = await signInAt();
    params.set("state", "forged");
    expect((await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth))).code).toBe("invalid_state");
    expect(gh.requests.some((r) => r.path === "/login/oauth/access_token")).toBe(false);
  });

  it("the customer declining (error=access_denied)", async () => {
    gh.deny = true;
    const { auth, params } = await signInAt();
    const e = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth));
    expect(e).toMatchObject({ code: "upstream_error", details: { upstreamError: "access_denied" } });
  });

  it("a code used twice (GitHub answers its errors with HTTP 200)", async () => {
    const { auth, params } = await signInAt();
    await redeemUpstreamCallback(connection(), REDIRECT, params, auth);
    const e = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth));
    expect(e).toMatchObject({ code: "upstream_error", details: { upstreamError: "bad_verification_code" } });
  });

  it("the wrong code verifier", async () => {
    const { auth, params } = await signInAt();
    const e = await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, { ...auth, codeVerifier: "y".repeat(43) }));
    expect(e.details.upstreamError).toBe("bad_verification_code");
  });

  it("the wrong client secret, never repeated in the message", async () => {
    const c = connection({}, "wrong-secret-value");
    const { auth, params } = await signInAt(c);
    const e = await refusal(redeemUpstreamCallback(c, REDIRECT, params, auth));
    expect(e.details.upstreamError).toBe("incorrect_client_credentials");
    expect(e.message).not.toContain("wrong-secret-value");
  });

  it("a profile without an id", async () => {
    const c = connection({ claimMapping: { subject: "node_id" } });
    const { auth, params } = await signInAt(c);
    expect((await refusal(redeemUpstreamCallback(c, REDIRECT, params, auth))).code).toBe("invalid_response");
  });

  it("an upstream on this machine while the outbound policy does not allow loopback", async () => {
    const { auth, params } = await signInAt();
    gh.requests.length = 0;
    allowLoopback(false, reloadConfig);
    try {
      expect((await refusal(redeemUpstreamCallback(connection(), REDIRECT, params, auth))).code).toBe("upstream_unreachable");
      expect(gh.requests).toHaveLength(0);
    } finally {
      allowLoopback(true, reloadConfig);
    }
  });
});
