// The authorization-code flow end to end at the domain level (real database, real keys), with the
// negative cases of RFC 6749 / 7636 / OIDC Core. The running server is driven by openid-client in e2e.
import crypto from "node:crypto";
import type { ApplicationDto } from "@/lib/applications";
import { createLocalJWKSet, jwtVerify, decodeJwt, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication, setApplicationDisabled } from "@/lib/applications";
import { hashPassword } from "@/lib/credentials";
import { ensureSigningKeys, publicJwks } from "@/lib/keys";
import { createSession, validateSession } from "@/lib/sessions";
import { withTransaction } from "@/lib/db";
import { authorize, cutOffApplicationsIn, prepareApplicationsCutOff, decideConsent, getConsentRequest, withdrawApplicationConsent, handleTokenRequest, introspect, revoke, userInfo, OAuthError, atHash, type AuthorizeSession } from "./index";
import { s256 } from "./pkce";
import { dismissEnrolmentOffer } from "@/lib/factors";
import { createRiskRule, currentPolicy, forgetPolicyCache, saveRiskSettings, updateRiskRule } from "@/lib/risk";
import { issuer } from "./issuer";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "a".repeat(20) + "-verifier-" + "b".repeat(20);
/** The interaction-binding cookie values of two browsers. */
const BROWSER = "browser-a-binding-value";
const OTHER_BROWSER = "browser-b-binding-value";
let confidential: ApplicationDto & { disabled: boolean };
let publicClient: ApplicationDto & { disabled: boolean };
let session: AuthorizeSession;
let userId: string;

async function oauthError(p: Promise<unknown>): Promise<OAuthError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(OAuthError);
  return e as OAuthError;
}

beforeAll(async () => {
  await ensureSigningKeys();
  const user = await t.db().user.create({ data: { email: "rp-user@example.com", passwordHash: await hashPassword("x".repeat(20)), emailVerifiedAt: new Date(), displayName: "Ada" } });
  userId = user.id;
  const s = await createSession(user.id, {});
  const v = (await validateSession(s.token))!;
  session = { id: v.id, userId: v.user.id, authTime: v.authTime, amr: v.amr };
  confidential = (
    await createApplication(admin, {
      name: "Web app",
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      firstParty: true,
      allowedScopes: ["reports:read", "reports:write"],
      allowedResources: ["https://api.example.com/reports"],
    }, {})
  ).application as never;
  publicClient = (await createApplication(admin, { name: "SPA", type: "public", redirectUris: [REDIRECT], grantTypes: ["authorization_code"] }, {})).application as never;
});

const baseParams = (client: ApplicationDto, extra: Record<string, string> = {}) => ({
  client_id: client.clientId,
  redirect_uri: REDIRECT,
  response_type: "code",
  scope: "openid profile email offline_access",
  state: "st-123",
  nonce: "n-456",
  code_challenge: s256(VERIFIER),
  code_challenge_method: "S256",
  ...extra,
});

async function codeFor(client: ApplicationDto, extra: Record<string, string> = {}, now?: Date): Promise<string> {
  const outcome = await authorize({ params: baseParams(client, extra) }, session, {}, now);
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`expected a code, got ${JSON.stringify(outcome)}`);
  return outcome.response.params.code;
}

const exchange = (client: ApplicationDto, code: string, extra: Record<string, string> = {}) =>
  handleTokenRequest(client, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER, ...extra }, {});

describe("authorization code flow", () => {
  it("issues a code with state and iss (RFC 9207), then verifiable tokens with at_hash, nonce, auth_time and sid", async () => {
    const outcome = await authorize({ params: baseParams(confidential) }, session, {});
    expect(outcome.kind).toBe("respond");
    if (outcome.kind !== "respond") return;
    expect(outcome.response.params).toMatchObject({ state: "st-123", iss: issuer() });
    const tokens = await exchange(confidential, outcome.response.params.code!);
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const jwks = createLocalJWKSet(await publicJwks());
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: issuer(), audience: confidential.clientId });
    expect(protectedHeader.alg).toBe("ES256");
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ sub: userId, nonce: "n-456", sid: session.id, email: "rp-user@example.com", name: "Ada" });
    expect(payload.at_hash).toBe(atHash(tokens.access_token));
    expect(payload.auth_time).toBe(Math.floor(session.authTime.getTime() / 1000));
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe("at+jwt");
    expect(await userInfo(tokens.access_token)).toMatchObject({ sub: userId, email: "rp-user@example.com", email_verified: true });
  });

  it("never redirects for an unknown client or an unregistered redirect_uri", async () => {
    expect(await authorize({ params: baseParams(confidential, { redirect_uri: "https://evil.example/cb" }) }, session, {})).toEqual({ kind: "error_page", reason: "invalid_redirect_uri" });
    expect(await authorize({ params: baseParams(confidential, { redirect_uri: REDIRECT + "/" }) }, session, {})).toEqual({ kind: "error_page", reason: "invalid_redirect_uri" });
    expect(await authorize({ params: { ...baseParams(confidential), client_id: "nope" } }, session, {})).toEqual({ kind: "error_page", reason: "unknown_client" });
  });

  it("lets only a native (public) client use any port on its loopback redirect URI (RFC 8252 §7.3)", async () => {
    const loopback = { redirectUris: ["http://127.0.0.1/cb"], grantTypes: ["authorization_code"] as "authorization_code"[] };
    const web = (await createApplication(admin, { name: "Local web server", type: "confidential", ...loopback }, {})).application;
    const native = (await createApplication(admin, { name: "Desktop app", type: "public", ...loopback }, {})).application;
    const at = (client: ApplicationDto, redirect_uri: string) => authorize({ params: baseParams(client, { redirect_uri, scope: "openid" }) }, session, {});
    expect(await at(web, "http://127.0.0.1:5555/cb")).toEqual({ kind: "error_page", reason: "invalid_redirect_uri" });
    expect(await at(web, "http://127.0.0.1/cb")).not.toMatchObject({ kind: "error_page" });
    expect(await at(native, "http://127.0.0.1:5555/cb")).not.toMatchObject({ kind: "error_page" });
  });

  it("answers protocol errors on the redirect with state and iss", async () => {
    const bad = await authorize({ params: baseParams(confidential, { response_type: "token" }) }, session, {});
    expect(bad).toMatchObject({ kind: "respond", response: { params: { error: "unsupported_response_type", state: "st-123", iss: issuer() } } });
    const noPkce = await authorize({ params: { ...baseParams(publicClient), code_challenge: "", code_challenge_method: "" } }, session, {});
    expect(noPkce).toMatchObject({ kind: "respond", response: { params: { error: "invalid_request" } } });
    const plain = await authorize({ params: baseParams(publicClient, { code_challenge_method: "plain" }) }, session, {});
    expect(plain).toMatchObject({ kind: "respond", response: { params: { error: "invalid_request" } } });
    const scope = await authorize({ params: baseParams(confidential, { scope: "openid admin" }) }, session, {});
    expect(scope).toMatchObject({ kind: "respond", response: { params: { error: "invalid_scope" } } });
  });

  it("prompt=none answers login_required without a session and consent_required without consent", async () => {
    expect(await authorize({ params: baseParams(confidential, { prompt: "none" }) }, null, {})).toMatchObject({ kind: "respond", response: { params: { error: "login_required" } } });
    expect(await authorize({ params: baseParams(publicClient, { prompt: "none" }) }, session, {})).toMatchObject({ kind: "respond", response: { params: { error: "consent_required" } } });
  });

  it("asks for consent once per client and scope set, then remembers it", async () => {
    const first = await authorize({ params: baseParams(publicClient, { scope: "openid email" }), binding: BROWSER }, session, {});
    expect(first.kind).toBe("consent");
    if (first.kind !== "consent") return;
    expect(await decideConsent(first.interactionId, BROWSER, userId, true, {})).toBe(true);
    const resumed = await authorize({ interactionId: first.interactionId, binding: BROWSER }, session, {});
    expect(resumed).toMatchObject({ kind: "respond", response: { params: { code: expect.any(String) } } });
    expect((await authorize({ params: baseParams(publicClient, { scope: "openid email" }) }, session, {})).kind).toBe("respond");
    // A wider scope set asks again.
    expect((await authorize({ params: baseParams(publicClient, { scope: "openid email profile" }) }, session, {})).kind).toBe("consent");
  });

  it("a denial goes back to the client as access_denied", async () => {
    const first = await authorize({ params: baseParams(publicClient, { scope: "openid phone" }), binding: BROWSER }, session, {});
    if (first.kind !== "consent") throw new Error("expected consent");
    expect(await decideConsent(first.interactionId, BROWSER, userId, false, {})).toBe(true);
    expect(await authorize({ interactionId: first.interactionId, binding: BROWSER }, session, {})).toMatchObject({ kind: "respond", response: { params: { error: "access_denied", state: "st-123" } } });
  });

  it("prompt=login and max_age=0 ask for a fresh sign-in even with a session", async () => {
    const login = await authorize({ params: baseParams(confidential, { prompt: "login" }), binding: BROWSER }, session, {});
    expect(login).toMatchObject({ kind: "login", force: true });
    if (login.kind !== "login") return;
    // The same session does not satisfy it; a sign-in after the request does.
    expect((await authorize({ interactionId: login.interactionId, binding: BROWSER }, session, {})).kind).toBe("login");
    const fresh = { ...session, authTime: new Date(Date.now() + 1000) };
    expect((await authorize({ interactionId: login.interactionId, binding: BROWSER }, fresh, {})).kind).toBe("respond");
    expect((await authorize({ params: baseParams(confidential, { max_age: "0" }) }, { ...session, authTime: new Date(Date.now() - 5000) }, {})).kind).toBe("login");
  });
});

describe("interactions are bound to their browser and user (consent bypass through a shared interaction)", () => {
  async function signedInUser(tag: string): Promise<AuthorizeSession> {
    const user = await t.db().user.create({ data: { email: `${tag}-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
    const s = await createSession(user.id, {});
    const v = (await validateSession(s.token))!;
    return { id: v.id, userId: v.user.id, authTime: v.authTime, amr: v.amr };
  }
  let attackersApp: ApplicationDto;
  beforeAll(async () => {
    attackersApp = (await createApplication(admin, { name: "Attacker's app", type: "public", redirectUris: [REDIRECT], grantTypes: ["authorization_code"] }, {})).application as never;
  });

  it("an interaction approved by the attacker, opened by the victim in another browser, is refused: no code, no grant, no consent", async () => {
    const attacker = await signedInUser("attacker");
    const victim = await signedInUser("victim");
    const started = await authorize({ params: baseParams(attackersApp, { scope: "openid email" }), binding: BROWSER }, attacker, {});
    if (started.kind !== "consent") throw new Error(`expected consent, got ${started.kind}`);
    expect(await decideConsent(started.interactionId, BROWSER, attacker.userId, true, {})).toBe(true);

    // The victim's browser (its own binding, or none at all), the victim's session.
    expect(await authorize({ interactionId: started.interactionId, binding: OTHER_BROWSER }, victim, {})).toEqual({ kind: "error_page", reason: "foreign_interaction" });
    expect(await authorize({ interactionId: started.interactionId }, victim, {})).toEqual({ kind: "error_page", reason: "foreign_interaction" });
    // Even with the attacker's cookie value, the interaction belongs to the attacker's account.
    expect(await authorize({ interactionId: started.interactionId, binding: BROWSER }, victim, {})).toEqual({ kind: "error_page", reason: "foreign_interaction" });
    expect(await t.db().oAuthGrant.count({ where: { userId: victim.userId } })).toBe(0);
    expect(await t.db().consent.count({ where: { userId: victim.userId } })).toBe(0);
    expect(await t.db().auditEvent.count({ where: { action: "oauth.interaction_refused", actorId: victim.userId } })).toBeGreaterThan(0);
    // The attacker's own browser still gets its code (the interaction was not spent by the refusals).
    expect(await authorize({ interactionId: started.interactionId, binding: BROWSER }, attacker, {})).toMatchObject({ kind: "respond", response: { params: { code: expect.any(String) } } });
  });

  it("an interaction waiting for sign-in is bound to the first user who resumes it", async () => {
    const first = await authorize({ params: baseParams(attackersApp, { scope: "openid" }), binding: BROWSER }, null, {});
    if (first.kind !== "login") throw new Error("expected login");
    const attacker = await signedInUser("attacker2");
    const victim = await signedInUser("victim2");
    expect((await authorize({ interactionId: first.interactionId, binding: BROWSER }, attacker, {})).kind).toBe("consent");
    expect(await authorize({ interactionId: first.interactionId, binding: BROWSER }, victim, {})).toEqual({ kind: "error_page", reason: "foreign_interaction" });
  });

  it("the consent screen and the decision belong to the interaction's browser and user only", async () => {
    const owner = await signedInUser("owner");
    const other = await signedInUser("other");
    const started = await authorize({ params: baseParams(attackersApp, { scope: "openid profile" }), binding: BROWSER }, owner, {});
    if (started.kind !== "consent") throw new Error("expected consent");
    expect(await getConsentRequest(started.interactionId, OTHER_BROWSER, owner.userId)).toBeNull();
    expect(await getConsentRequest(started.interactionId, BROWSER, other.userId)).toBeNull();
    expect(await getConsentRequest(started.interactionId, BROWSER, owner.userId)).toMatchObject({ clientId: attackersApp.clientId });
    expect(await decideConsent(started.interactionId, OTHER_BROWSER, owner.userId, true, {})).toBe(false);
    expect(await decideConsent(started.interactionId, BROWSER, other.userId, true, {})).toBe(false);
    expect(await t.db().consent.count({ where: { clientId: attackersApp.clientId, userId: { in: [owner.userId, other.userId] } } })).toBe(0);
    // The owner's approval becomes the owner's Consent record (listed, withdrawable), once.
    expect(await decideConsent(started.interactionId, BROWSER, owner.userId, true, {})).toBe(true);
    expect(await decideConsent(started.interactionId, BROWSER, owner.userId, false, {})).toBe(false);
    expect(await t.db().consent.findUnique({ where: { userId_clientId: { userId: owner.userId, clientId: attackersApp.clientId } } })).toMatchObject({ scopes: ["openid", "profile"], revokedAt: null });
  });

  it("authorize checks the Consent table, not a mark on the interaction: consent withdrawn before the resumption asks again", async () => {
    const owner = await signedInUser("withdraws");
    const started = await authorize({ params: baseParams(attackersApp, { scope: "openid email" }), binding: BROWSER }, owner, {});
    if (started.kind !== "consent") throw new Error("expected consent");
    expect(await decideConsent(started.interactionId, BROWSER, owner.userId, true, {})).toBe(true);
    await withdrawApplicationConsent(owner.userId, attackersApp.clientId, {});
    expect(await authorize({ interactionId: started.interactionId, binding: BROWSER }, owner, {})).toEqual({ kind: "consent", interactionId: started.interactionId });
    // The interaction's own parameters carry no consent marker an outsider could set.
    const stored = await t.db().authorizationRequest.findUniqueOrThrow({ where: { id: started.interactionId } });
    expect(JSON.stringify(stored.params)).not.toMatch(/consent/i);
    const smuggled = await authorize({ params: { ...baseParams(attackersApp, { scope: "openid address" }), _consented: "true" } as never, binding: BROWSER }, owner, {});
    expect(smuggled.kind).toBe("consent");
  });

  it("prompt=consent asks even with a recorded consent, and this user's approval on this interaction answers it", async () => {
    const owner = await signedInUser("prompt-consent");
    const first = await authorize({ params: baseParams(attackersApp, { scope: "openid" }), binding: BROWSER }, owner, {});
    if (first.kind !== "consent") throw new Error("expected consent");
    await decideConsent(first.interactionId, BROWSER, owner.userId, true, {});
    const again = await authorize({ params: baseParams(attackersApp, { scope: "openid", prompt: "consent" }), binding: BROWSER }, owner, {});
    if (again.kind !== "consent") throw new Error("expected consent");
    expect(await decideConsent(again.interactionId, BROWSER, owner.userId, true, {})).toBe(true);
    expect(await authorize({ interactionId: again.interactionId, binding: BROWSER }, owner, {})).toMatchObject({ kind: "respond", response: { params: { code: expect.any(String) } } });
  });
});

describe("token endpoint", () => {
  it("refuses a missing or wrong PKCE verifier and a different redirect_uri", async () => {
    expect((await oauthError(exchange(confidential, await codeFor(confidential), { code_verifier: "" }))).error).toBe("invalid_grant");
    expect((await oauthError(exchange(confidential, await codeFor(confidential), { code_verifier: "c".repeat(43) }))).error).toBe("invalid_grant");
    expect((await oauthError(exchange(confidential, await codeFor(confidential), { redirect_uri: "https://app.example.com/other" }))).error).toBe("invalid_grant");
  });

  it("a replayed code fails and revokes what the first exchange issued", async () => {
    const code = await codeFor(confidential);
    const first = await exchange(confidential, code);
    expect((await oauthError(exchange(confidential, code))).error).toBe("invalid_grant");
    expect((await oauthError(userInfo(first.access_token))).error).toBe("invalid_token");
    expect((await oauthError(handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: first.refresh_token! }, {}))).error).toBe("invalid_grant");
  });

  it("an expired code (60 s) is refused", async () => {
    const code = await codeFor(confidential, {}, new Date(Date.now() - 61_000));
    expect((await oauthError(exchange(confidential, code))).error).toBe("invalid_grant");
  });

  it("a code belongs to the client it was issued to", async () => {
    const code = await codeFor(confidential);
    expect((await oauthError(exchange(publicClient, code))).error).toBe("invalid_grant");
  });

  it("rotates refresh tokens; reusing an old one revokes the whole grant", async () => {
    const first = await exchange(confidential, await codeFor(confidential));
    const second = await handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: first.refresh_token! }, {});
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await oauthError(handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: first.refresh_token! }, {}))).error).toBe("invalid_grant");
    // The reuse revoked the grant: the newest tokens are dead too.
    expect((await oauthError(handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: second.refresh_token! }, {}))).error).toBe("invalid_grant");
    expect((await oauthError(userInfo(second.access_token))).error).toBe("invalid_token");
  });

  it("a refresh with a high-value scope goes through the risk engine: refused while a rule denies it, fine once it is gone", async () => {
    const first = await exchange(confidential, await codeFor(confidential));
    await saveRiskSettings(admin, { highValueScopes: ["email"] }, {});
    const rule = await createRiskRule(admin, { name: "no refresh for the web app", conditions: [{ feature: "method", op: "eq", value: "refresh" }, { feature: "client_id", op: "eq", value: confidential.clientId }], action: "deny" }, {});
    try {
      expect((await oauthError(handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: first.refresh_token! }, {}))).error).toBe("invalid_grant");
      // Narrowed below the high-value scope, the same refresh is not the engine's business.
      const narrow = await handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: first.refresh_token!, scope: "openid" }, {});
      expect(narrow.access_token).toBeTruthy();
    } finally {
      await updateRiskRule(admin, rule.id, rule.version, null, {});
      await saveRiskSettings(admin, {}, {});
      forgetPolicyCache();
    }
    expect((await currentPolicy()).rules).toEqual([]);
  });

  it("cutting the account off revokes every grant, offline_access included, and audits it", async () => {
    const first = await exchange(confidential, await codeFor(confidential));
    const cutOff = await prepareApplicationsCutOff(userId);
    const { revokedGrants } = await withTransaction((tx) => cutOffApplicationsIn(cutOff, "reported_not_me", {}, tx));
    expect(revokedGrants).toBeGreaterThan(0);
    expect((await oauthError(handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: first.refresh_token! }, {}))).error).toBe("invalid_grant");
    expect(await t.db().auditEvent.count({ where: { action: "oauth.grants_revoked", targetId: userId } })).toBe(1);
  });

  it("a refresh may narrow the scope but never widen it", async () => {
    const first = await exchange(confidential, await codeFor(confidential, { scope: "openid email offline_access" }));
    expect((await oauthError(handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: first.refresh_token!, scope: "openid email profile" }, {}))).error).toBe("invalid_scope");
  });

  it("no refresh token without offline_access", async () => {
    const tokens = await exchange(confidential, await codeFor(confidential, { scope: "openid email" }));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("client_credentials issues an access token without user scopes; unknown grant types and disallowed grants fail", async () => {
    const cc = await handleTokenRequest(confidential, { grant_type: "client_credentials", scope: "reports:read" }, {});
    expect(cc.scope).toBe("reports:read");
    expect(cc.id_token).toBeUndefined();
    expect((await oauthError(handleTokenRequest(confidential, { grant_type: "client_credentials", scope: "openid" }, {}))).error).toBe("invalid_scope");
    expect((await oauthError(handleTokenRequest(confidential, { grant_type: "password" }, {}))).error).toBe("unsupported_grant_type");
    expect((await oauthError(handleTokenRequest(publicClient, { grant_type: "client_credentials" }, {}))).error).toBe("unauthorized_client");
  });

  it("client_credentials gives only the client's allowed scopes, and only for its allowed resources (RFC 8707)", async () => {
    const cc = (body: Record<string, string>, client: ApplicationDto = confidential) => handleTokenRequest(client, { grant_type: "client_credentials", ...body }, {});
    // A scope outside the allowed list is refused, alone or next to allowed ones: never silently narrowed.
    expect((await oauthError(cc({ scope: "admin:everything" }))).error).toBe("invalid_scope");
    expect((await oauthError(cc({ scope: "reports:read admin:everything" }))).error).toBe("invalid_scope");
    // No scope requested: the whole allowed list (RFC 6749 §3.3's pre-defined default).
    expect((await cc({})).scope).toBe("reports:read reports:write");
    expect((await cc({ scope: "reports:write" })).scope).toBe("reports:write");

    // An allowed resource becomes the audience; introspection still answers for it.
    const forApi = await cc({ scope: "reports:read", resource: "https://api.example.com/reports" });
    const { payload } = await jwtVerify(forApi.access_token, createLocalJWKSet(await publicJwks()), { issuer: issuer(), audience: "https://api.example.com/reports", typ: "at+jwt" });
    expect(payload.aud).toBe("https://api.example.com/reports");
    expect(await introspect(confidential, forApi.access_token, undefined)).toMatchObject({ active: true, aud: "https://api.example.com/reports", scope: "reports:read" });
    // Without resource: Portico is the audience, as before.
    expect(decodeJwt((await cc({ scope: "reports:read" })).access_token).aud).toBe(issuer());
    for (const resource of ["https://evil.example.com/", "https://api.example.com/reports/", "not a uri", "https://api.example.com/reports#x"]) {
      const e = await oauthError(cc({ scope: "reports:read", resource }));
      expect(e.error, resource).toBe("invalid_target");
      expect(e.status).toBe(400);
    }

    // A client with no allowed scopes gets scope-less tokens only.
    const bare = (await createApplication(admin, { name: "Bare backend", type: "confidential", redirectUris: [], grantTypes: ["client_credentials"] }, {})).application;
    expect((await oauthError(cc({ scope: "reports:read" }, bare))).error).toBe("invalid_scope");
    expect((await cc({}, bare)).scope).toBe("");
    expect((await oauthError(cc({ resource: "https://api.example.com/reports" }, bare))).error).toBe("invalid_target");
  });
});

describe("step-up with acr_values (OIDC Core §3.1.2.1)", () => {
  const MFA = "urn:portico:acr:mfa";

  async function sessionFor(amr: string[], withFactor: boolean): Promise<AuthorizeSession> {
    const user = await t.db().user.create({ data: { email: `step-up-${amr.join("-")}-${withFactor}-${Date.now()}@example.com`, emailVerifiedAt: new Date() } });
    if (withFactor) await t.db().mfaFactor.create({ data: { userId: user.id, type: "totp", label: "App", confirmedAt: new Date() } });
    const s = await t.db().session.create({ data: { tokenHash: crypto.randomBytes(32).toString("hex"), userId: user.id, expiresAt: new Date(Date.now() + 3600_000), amr } });
    return { id: s.id, userId: user.id, authTime: s.authTime, amr };
  }

  it("a one-factor session is sent to sign in again when the client asks for a second factor", async () => {
    const s = await sessionFor(["pwd"], true);
    const outcome = await authorize({ params: baseParams(confidential, { acr_values: MFA }) }, s, {});
    expect(outcome).toMatchObject({ kind: "login", force: true });
    // A list that also accepts one factor is satisfied as is, and the token says what was achieved.
    const relaxed = await authorize({ params: baseParams(confidential, { acr_values: `${MFA} urn:portico:acr:pwd` }) }, s, {});
    expect(relaxed.kind).toBe("respond");
  });

  it("without an enrolled factor the client gets unmet_authentication_requirements; with prompt=none, interaction_required", async () => {
    const s = await sessionFor(["pwd"], false);
    const outcome = await authorize({ params: baseParams(confidential, { acr_values: MFA }) }, s, {});
    expect(outcome.kind === "respond" && outcome.response.params.error).toBe("unmet_authentication_requirements");
    const silent = await authorize({ params: baseParams(confidential, { acr_values: MFA, prompt: "none" }) }, await sessionFor(["pwd"], true), {});
    expect(silent.kind === "respond" && silent.response.params.error).toBe("interaction_required");
  });

  it("a multi-factor session passes, and the ID token and access token carry acr and amr", async () => {
    const s = await sessionFor(["pwd", "otp", "mfa"], true);
    const outcome = await authorize({ params: baseParams(confidential, { acr_values: MFA }) }, s, {});
    if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`expected a code, got ${JSON.stringify(outcome)}`);
    const tokens = await exchange(confidential, outcome.response.params.code);
    const jwks = createLocalJWKSet(await publicJwks());
    const { payload: id } = await jwtVerify(tokens.id_token!, jwks, { issuer: issuer(), audience: confidential.clientId });
    expect(id).toMatchObject({ acr: MFA, amr: ["pwd", "otp", "mfa"] });
    const { payload: at } = await jwtVerify(tokens.access_token, jwks, { issuer: issuer(), audience: issuer() });
    expect(at.acr).toBe(MFA);
  });
});

describe("MFA policy per application (lib/oidc/mfa-policy.ts)", () => {
  async function appWith(mfaPolicy: "off" | "optional" | "required") {
    return (await createApplication(admin, { name: `MFA ${mfaPolicy}`, type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true, mfaPolicy }, {})).application;
  }
  async function userSession(amr: string[], withFactor: boolean): Promise<AuthorizeSession> {
    const user = await t.db().user.create({ data: { email: `policy-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
    if (withFactor) await t.db().mfaFactor.create({ data: { userId: user.id, type: "totp", label: "App", confirmedAt: new Date() } });
    const s = await t.db().session.create({ data: { tokenHash: crypto.randomBytes(32).toString("hex"), userId: user.id, expiresAt: new Date(Date.now() + 3600_000), amr } });
    return { id: s.id, userId: user.id, authTime: s.authTime, amr };
  }

  it("required: no factor -> set one up first; a factor but a one-factor session -> sign in again; two factors -> code", async () => {
    const app = await appWith("required");
    expect(await authorize({ params: baseParams(app) }, await userSession(["pwd"], false), {})).toMatchObject({ kind: "enrol_mfa", required: true });
    expect(await authorize({ params: baseParams(app) }, await userSession(["pwd"], true), {})).toMatchObject({ kind: "login", force: true });
    const done = await authorize({ params: baseParams(app) }, await userSession(["pwd", "otp", "mfa"], true), {});
    expect(done.kind === "respond" && done.response.params.code).toBeTruthy();
  });

  it("optional: offered once to people without a factor, then not for a week after 'not now'", async () => {
    const app = await appWith("optional");
    const s = await userSession(["pwd"], false);
    expect(await authorize({ params: baseParams(app) }, s, {})).toMatchObject({ kind: "enrol_mfa", required: false });
    await dismissEnrolmentOffer(s.userId, {});
    expect((await authorize({ params: baseParams(app) }, s, {})).kind).toBe("respond");
    expect((await authorize({ params: baseParams(app) }, await userSession(["pwd"], true), {})).kind).toBe("respond");
  });

  it("off (and the default, MFA_POLICY=off): the password is enough", async () => {
    for (const app of [await appWith("off"), confidential]) {
      expect((await authorize({ params: baseParams(app) }, await userSession(["pwd"], false), {})).kind).toBe("respond");
    }
  });
});

describe("introspection and revocation", () => {
  it("introspects active tokens of the caller only, and revoking the refresh token ends the grant", async () => {
    const tokens = await exchange(confidential, await codeFor(confidential));
    expect(await introspect(confidential, tokens.access_token, undefined)).toMatchObject({ active: true, sub: userId, client_id: confidential.clientId });
    expect(await introspect(confidential, tokens.refresh_token, "refresh_token")).toMatchObject({ active: true, token_type: "refresh_token" });
    expect((await oauthError(introspect(publicClient, tokens.access_token, undefined))).error).toBe("invalid_client");
    expect(await introspect(confidential, "garbage", undefined)).toEqual({ active: false });
    await revoke(confidential, tokens.refresh_token, "refresh_token", {});
    expect(await introspect(confidential, tokens.access_token, undefined)).toEqual({ active: false });
    expect(await introspect(confidential, tokens.refresh_token, undefined)).toEqual({ active: false });
  });

  it("client_credentials tokens are self-contained: nothing written, introspected by their client only, revocable (RFC 7009)", async () => {
    const other = (await createApplication(admin, { name: "Other backend", type: "confidential", redirectUris: [], grantTypes: ["client_credentials"] }, {})).application;
    const grantsBefore = await t.db().oAuthGrant.count();
    const recordsBefore = await t.db().accessTokenRecord.count();
    const cc = await handleTokenRequest(confidential, { grant_type: "client_credentials", scope: "reports:read" }, {});
    expect(await t.db().oAuthGrant.count()).toBe(grantsBefore);
    expect(await t.db().accessTokenRecord.count()).toBe(recordsBefore);
    const { payload } = await jwtVerify(cc.access_token, createLocalJWKSet(await publicJwks()), { issuer: issuer(), audience: issuer(), typ: "at+jwt" });
    expect(payload).toMatchObject({ sub: confidential.clientId, client_id: confidential.clientId, gty: "client_credentials", scope: "reports:read" });

    expect(await introspect(confidential, cc.access_token, undefined)).toMatchObject({ active: true, sub: confidential.clientId, scope: "reports:read" });
    expect(await introspect(other, cc.access_token, undefined)).toEqual({ active: false });
    await revoke(other, cc.access_token, undefined, {}); // not its token: ignored (RFC 7009 §2.1)
    expect(await introspect(confidential, cc.access_token, undefined)).toMatchObject({ active: true });
    await revoke(confidential, cc.access_token, undefined, {});
    await revoke(confidential, cc.access_token, undefined, {}); // idempotent
    expect(await introspect(confidential, cc.access_token, undefined)).toEqual({ active: false });
    expect(await t.db().revokedAccessToken.findUnique({ where: { jti: payload.jti! } })).toMatchObject({ clientId: confidential.clientId });
    // A self-contained token carries no user: UserInfo refuses it.
    expect((await oauthError(userInfo(cc.access_token))).error).toBe("invalid_token");
  });

  it("proves a recorded token by its stored hash: an altered payload with a live jti is refused, with or without the hash", async () => {
    const tokens = await exchange(confidential, await codeFor(confidential, { scope: "openid email" }));
    const [header, payload, signature] = tokens.access_token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const widened = [header, Buffer.from(JSON.stringify({ ...claims, scope: "openid email profile phone" })).toString("base64url"), signature].join(".");
    expect(await userInfo(tokens.access_token)).toMatchObject({ sub: userId, email: "rp-user@example.com" });
    expect((await oauthError(userInfo(widened))).error).toBe("invalid_token");
    expect(await introspect(confidential, widened, undefined)).toEqual({ active: false });
    // A record written before hashes were stored falls back to the signature.
    await t.db().accessTokenRecord.update({ where: { jti: claims.jti }, data: { tokenHash: null } });
    expect(await introspect(confidential, tokens.access_token, undefined)).toMatchObject({ active: true, scope: "openid email" });
    expect((await oauthError(userInfo(widened))).error).toBe("invalid_token");
  });

  it("UserInfo refuses the tokens of a disabled application at once", async () => {
    const app = (await createApplication(admin, { name: "Soon disabled", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true }, {})).application;
    const tokens = await exchange(app, await codeFor(app, { scope: "openid email" }));
    expect(await userInfo(tokens.access_token)).toMatchObject({ sub: userId });
    await setApplicationDisabled(admin, app.id, true, {});
    expect((await oauthError(userInfo(tokens.access_token))).error).toBe("invalid_token");
    await setApplicationDisabled(admin, app.id, false, {});
    expect(await userInfo(tokens.access_token)).toMatchObject({ sub: userId });
  });

  it("revoking an access token leaves the grant's refresh token alive", async () => {
    const tokens = await exchange(confidential, await codeFor(confidential));
    await revoke(confidential, tokens.access_token, undefined, {});
    expect((await oauthError(userInfo(tokens.access_token))).error).toBe("invalid_token");
    expect((await handleTokenRequest(confidential, { grant_type: "refresh_token", refresh_token: tokens.refresh_token! }, {})).access_token).toBeTruthy();
  });
});
