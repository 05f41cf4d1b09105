// GET /api/federation/v1/tokens/{connection} below HTTP: a real Portico access token from the
// authorization code flow, the federation:tokens scope an application asks for like any other (and
// the customer sees on the consent screen), the upstream's kept tokens from a real round trip to
// the stand-in, RFC 6750 challenges and RFC 9457 problems for every refusal.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication, type ApplicationDto } from "@/lib/applications";
import { listAuditEvents } from "@/lib/audit";
import { reloadConfig } from "@/lib/config";
import { withTransaction } from "@/lib/db";
import { createConnection, findEnabledConnection, linkIdentity, redeemUpstreamCallback, redirectUriOf, setApplicationConnections, upstreamAuthorizationUrl } from "@/lib/federation";
import { ensureSigningKeys } from "@/lib/keys";
import { authorize, grantConsent, handleTokenRequest, SCOPE_DESCRIPTIONS } from "@/lib/oidc";
import { providerMetadata } from "@/lib/oidc/discovery";
import { s256 } from "@/lib/oidc/pkce";
import { createSession, validateSession } from "@/lib/sessions";
import { followToCallback } from "@/test/upstreams/browser";
import { allowLoopback } from "@/test/upstreams/connection";
import { startOidcUpstream, type OidcUpstream } from "@/test/upstreams/oidc-upstream";
import { GET } from "./federation-tokens";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const ctx = { ip: "192.0.2.81", userAgent: "vitest" };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "w".repeat(43);
const SECRET = "upstream-client-secret-for-portico";
const BASE = "http://localhost/api/federation/v1/tokens";
let app: ApplicationDto;
let keeper: { id: string };
let forgetful: { id: string };
let up: OidcUpstream;

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  await ensureSigningKeys();
  app = (await createApplication(admin, { name: "Calendar App", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: false }, {})).application;
  up = await startOidcUpstream({
    clients: [{ clientId: "portico", clientSecret: SECRET, redirectUris: [redirectUriOf("keeper"), redirectUriOf("forgetful")] }],
    accounts: [
      { sub: "ada-sub", email: "ada@upstream.example", email_verified: true },
      { sub: "bob-sub", email: "bob@upstream.example", email_verified: true },
    ],
    refreshTokens: { rotate: true },
  });
  const settings = { protocol: "oidc", issuer: up.issuer, clientId: "portico", scopes: ["openid", "email"], claimMapping: {} };
  keeper = await createConnection(admin, { slug: "keeper", name: "Keeper ID", settings, clientSecret: SECRET, storeTokens: true }, ctx);
  forgetful = await createConnection(admin, { slug: "forgetful", name: "Forgetful ID", settings, clientSecret: SECRET, storeTokens: false }, ctx);
  // The application offers both on its sign-in page (only then may it read their tokens).
  await setApplicationConnections(admin, app.id, [keeper.id, forgetful.id], ctx);
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await up?.close();
});

/** A customer linked at the connection (as upstream account `sub`) through a real round trip, and an access token of ours for them with `scope`. */
async function linkedWithToken(slug: string, sub: string, scope: string) {
  const user = await t.db().user.create({ data: { email: `fed-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  up.next = sub;
  const c = (await findEnabledConnection(slug))!;
  const auth = await upstreamAuthorizationUrl(c, redirectUriOf(slug));
  const identity = await redeemUpstreamCallback(c, redirectUriOf(slug), await followToCallback(auth.url, redirectUriOf(slug)), auth);
  await withTransaction((tx) => linkIdentity(user.id, c, identity, "portal", ctx, tx));

  const s = (await validateSession((await createSession(user.id, {})).token))!;
  await grantConsent(user.id, app.clientId, scope.split(" "), {});
  const outcome = await authorize(
    { params: { client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope, state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
    { id: s.id, userId: user.id, authTime: s.authTime, amr: s.amr },
    {},
  );
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`no code: ${JSON.stringify(outcome)}`);
  const tokens = await handleTokenRequest(app, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
  return { userId: user.id, token: tokens.access_token, upstream: identity.tokens };
}

const get = (slug: string, token?: string) => GET(new Request(`${BASE}/${slug}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

function problemOf(res: { status: number; headers: Record<string, string>; body: string | null }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers["Content-Type"]).toBe("application/problem+json");
  expect(res.headers["Cache-Control"]).toBe("no-store");
  const body = JSON.parse(res.body!) as Record<string, unknown>;
  expect(body).toMatchObject({ type: "about:blank", status, title: expect.any(String), detail: expect.any(String) });
  return body;
}

describe("GET /api/federation/v1/tokens/{connection}", () => {
  let ada: Awaited<ReturnType<typeof linkedWithToken>>;
  beforeAll(async () => {
    ada = await linkedWithToken("keeper", "ada-sub", "openid federation:tokens");
  });

  it("is a scope an application asks for like the other API scopes: in discovery, described on the consent screen", () => {
    expect(providerMetadata().scopes_supported).toContain("federation:tokens");
    expect(SCOPE_DESCRIPTIONS["federation:tokens"]).toBe("Use the accounts you linked at other providers on your behalf");
  });

  it("answers the upstream's tokens as JSON, never cached, and audits the read with the application", async () => {
    const res = await get("keeper", ada.token);
    expect(res.status).toBe(200);
    expect(res.headers["Cache-Control"]).toBe("no-store");
    expect(res.headers["Content-Type"]).toBe("application/json");
    const body = JSON.parse(res.body!) as Record<string, unknown>;
    expect(body).toEqual({ access_token: ada.upstream.accessToken, token_type: "Bearer", expires_in: expect.any(Number), id_token: ada.upstream.idToken });
    expect(body.expires_in).toBeGreaterThan(500);
    const read = (await listAuditEvents({ targetId: ada.userId })).find((e) => e.action === "federation.tokens_read");
    expect(read?.details).toMatchObject({ connection: "keeper", clientId: app.clientId });
  });

  it("401 with the bare challenge without a token, and with a challenge for a token that is not ours", async () => {
    const none = await get("keeper");
    problemOf(none, 401);
    expect(none.headers["WWW-Authenticate"]).toBe('Bearer realm="portico"');
    const bad = await get("keeper", "not-a-token-of-ours");
    expect(problemOf(bad, 401).error).toBe("invalid_token");
    expect(bad.headers["WWW-Authenticate"]).toMatch(/error="invalid_token"/);
  });

  it("403 insufficient_scope for a token without federation:tokens, naming the scope", async () => {
    const bob = await linkedWithToken("keeper", "bob-sub", "openid consent:read");
    const res = await get("keeper", bob.token);
    expect(problemOf(res, 403).error).toBe("insufficient_scope");
    expect(res.headers["WWW-Authenticate"]).toMatch(/error="insufficient_scope".*scope="federation:tokens"/);
  });

  it("403 for an application that does not offer the connection on its sign-in page", async () => {
    await setApplicationConnections(admin, app.id, [forgetful.id], ctx);
    try {
      const res = await get("keeper", ada.token);
      expect(problemOf(res, 403).error).toBe("forbidden");
      expect(res.body).not.toContain("access_token");
    } finally {
      await setApplicationConnections(admin, app.id, [keeper.id, forgetful.id], ctx);
    }
  });

  it("404 at a connection that keeps no tokens, and where the user has no identity", async () => {
    expect(problemOf(await get("forgetful", ada.token), 404).error).toBe("not_found");
    expect(problemOf(await get("nowhere", ada.token), 404).error).toBe("not_found");
  });

  it("409 sign_in_required for an expired token that cannot be renewed, never a 500", async () => {
    await t.db().linkedIdentity.updateMany({ where: { userId: ada.userId }, data: { tokenExpiresAt: new Date(Date.now() - 1000), refreshTokenSealed: null } });
    expect(problemOf(await get("keeper", ada.token), 409).error).toBe("sign_in_required");
  });
});
