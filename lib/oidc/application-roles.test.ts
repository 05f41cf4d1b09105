// Application roles and groups in tokens, driven as a relying party would: openid-client (the
// library relying parties use) redeems the code at the real token endpoint handler, verifies the ID
// token (signature against the JWKS, iss, aud, nonce) and calls UserInfo; the JWT access token is
// verified against the same JWKS (RFC 9068). requireRole refuses sign-in with access_denied, and
// a refresh after the last role is gone.
import crypto from "node:crypto";
import * as oidcClient from "openid-client";
import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import {
  assignApplicationRole,
  createApplication,
  createApplicationRole,
  setRoleClaims,
  unassignApplicationRole,
  type ApplicationDto,
} from "@/lib/applications";
import { ensureSigningKeys, publicJwks } from "@/lib/keys";
import { createSession, validateSession } from "@/lib/sessions";
import { discoveryEndpoint, jwksEndpoint, tokenEndpoint, userinfoEndpoint } from "@/lib/http";
import type { EndpointResult } from "@/lib/http/endpoints/result";
import { authorize, issuer, type AuthorizeSession } from "./index";
import { approveDevice, enterUserCode, exchangeDeviceCode, startDeviceAuthorization } from "./device";
import { DEVICE_CODE_GRANT } from "./token-endpoint";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
const ctx = {};
const REDIRECT = "https://rp.example.com/callback";

/** The protocol endpoints, called in process: what a relying party's HTTP requests would reach. */
const inProcessFetch: oidcClient.CustomFetch = async (url, options) => {
  const request = new Request(url, { method: options.method, headers: options.headers, body: options.body as BodyInit | null | undefined, redirect: options.redirect });
  const path = new URL(url).pathname;
  let result: EndpointResult;
  if (path === "/.well-known/openid-configuration") result = discoveryEndpoint.GET();
  else if (path === "/oauth2/token") result = await tokenEndpoint.POST(request);
  else if (path === "/oauth2/jwks") result = await jwksEndpoint.GET();
  else if (path === "/oauth2/userinfo") result = await (request.method === "POST" ? userinfoEndpoint.POST(request) : userinfoEndpoint.GET(request));
  else throw new Error(`unexpected request to ${url}`);
  return new Response(result.body, { status: result.status, headers: result.headers });
};

interface RelyingParty {
  app: ApplicationDto;
  config: oidcClient.Configuration;
}

async function relyingParty(name: string, grantTypes: string[] = ["authorization_code"]): Promise<RelyingParty> {
  const { application, clientSecret } = await createApplication(admin, { name, type: "confidential", redirectUris: [REDIRECT], grantTypes, firstParty: true }, ctx);
  const config = await oidcClient.discovery(new URL(issuer()), application.clientId, { id_token_signed_response_alg: application.idTokenSignedResponseAlg }, oidcClient.ClientSecretBasic(clientSecret!), {
    execute: [oidcClient.allowInsecureRequests],
    [oidcClient.customFetch]: inProcessFetch,
  });
  config[oidcClient.customFetch] = inProcessFetch;
  // The ID token's signature too, against the provider's JWKS.
  oidcClient.enableNonRepudiationChecks(config);
  return { app: application, config };
}

async function signedIn(email: string): Promise<{ userId: string; session: AuthorizeSession }> {
  const user = await t.db().user.create({ data: { email, emailVerifiedAt: new Date() } });
  const s = await createSession(user.id, {});
  const v = (await validateSession(s.token))!;
  return { userId: user.id, session: { id: v.id, userId: v.user.id, authTime: v.authTime, amr: v.amr } };
}

/** The authorization request as the browser would carry it; the answer's redirect as the RP receives it. */
async function authorizationResponse(rp: RelyingParty, session: AuthorizeSession, scope: string) {
  const verifier = oidcClient.randomPKCECodeVerifier();
  const nonce = oidcClient.randomNonce();
  const state = oidcClient.randomState();
  const outcome = await authorize(
    {
      params: {
        client_id: rp.app.clientId,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope,
        state,
        nonce,
        code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
      },
    },
    session,
    ctx,
  );
  if (outcome.kind !== "respond") throw new Error(`expected a response to the client, got ${outcome.kind}`);
  const callback = new URL(outcome.response.redirectUri);
  for (const [k, v] of Object.entries(outcome.response.params)) callback.searchParams.set(k, v);
  return { callback, verifier, nonce, state, params: outcome.response.params };
}

async function signIn(rp: RelyingParty, session: AuthorizeSession, scope = "openid email") {
  const r = await authorizationResponse(rp, session, scope);
  const tokens = await oidcClient.authorizationCodeGrant(rp.config, r.callback, { pkceCodeVerifier: r.verifier, expectedNonce: r.nonce, expectedState: r.state });
  return tokens;
}

async function verifiedAccessToken(token: string) {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await publicJwks()), { issuer: issuer(), typ: "at+jwt" });
  expect(protectedHeader.typ).toBe("at+jwt");
  return payload;
}

beforeAll(async () => {
  await ensureSigningKeys();
});

describe("roles and groups in tokens", () => {
  it("releases the application's roles (direct and through groups) and its groups in the ID token, the access token and UserInfo", async () => {
    const rp = await relyingParty("Roles RP");
    const { userId, session } = await signedIn("roles-rp@example.com");
    const admins = await createApplicationRole(admin, rp.app.id, { name: "admin" }, ctx);
    const viewers = await createApplicationRole(admin, rp.app.id, { name: "viewer" }, ctx);
    const team = await t.db().group.create({ data: { displayName: "Editors", members: { create: [{ userId }] } } });
    await t.db().group.create({ data: { displayName: "Hikers", members: { create: [{ userId }] } } }); // no role here: never released
    await assignApplicationRole(admin, rp.app.id, viewers.id, { userId }, ctx);
    await assignApplicationRole(admin, rp.app.id, viewers.id, { groupId: team.id }, ctx);
    await assignApplicationRole(admin, rp.app.id, admins.id, { groupId: team.id }, ctx);

    // Without claim names, nothing is released.
    const before = await signIn(rp, session);
    expect(before.claims()).not.toHaveProperty("roles");
    expect(await verifiedAccessToken(before.access_token)).not.toHaveProperty("roles");

    await setRoleClaims(admin, rp.app.id, { rolesClaim: "https://example.com/roles", groupsClaim: "groups" }, ctx);
    const tokens = await signIn(rp, session);
    const id = tokens.claims()!;
    expect(id.sub).toBe(userId);
    expect(id.aud).toBe(rp.app.clientId);
    expect(id["https://example.com/roles"]).toEqual(["admin", "viewer"]);
    expect(id.groups).toEqual(["Editors"]);

    const at = await verifiedAccessToken(tokens.access_token);
    expect(at.sub).toBe(userId);
    expect(at["https://example.com/roles"]).toEqual(["admin", "viewer"]);
    expect(at.groups).toEqual(["Editors"]);

    const info = await oidcClient.fetchUserInfo(rp.config, tokens.access_token, userId);
    expect(info["https://example.com/roles"]).toEqual(["admin", "viewer"]);
    expect(info.groups).toEqual(["Editors"]);
    expect(info.email).toBe("roles-rp@example.com");

    // UserInfo answers as things are now: the group's roles gone, only the direct one remains.
    await unassignApplicationRole(admin, rp.app.id, admins.id, { groupId: team.id }, ctx);
    await unassignApplicationRole(admin, rp.app.id, viewers.id, { groupId: team.id }, ctx);
    const later = await oidcClient.fetchUserInfo(rp.config, tokens.access_token, userId);
    expect(later["https://example.com/roles"]).toEqual(["viewer"]);
    expect(later.groups).toEqual([]);
  });

  it("refuses a user holding no role when the application requires one (access_denied, state and iss), then signs them in once a group gives them one", async () => {
    const rp = await relyingParty("Gated RP");
    const { userId, session } = await signedIn("gated@example.com");
    const member = await createApplicationRole(admin, rp.app.id, { name: "member" }, ctx);
    await setRoleClaims(admin, rp.app.id, { rolesClaim: "roles", requireRole: true }, ctx);

    const refused = await authorizationResponse(rp, session, "openid");
    expect(refused.params).toMatchObject({ error: "access_denied", state: refused.state, iss: issuer() });
    expect(refused.params).not.toHaveProperty("code");
    // The relying party's library reads it as the authorization server's refusal.
    await expect(oidcClient.authorizationCodeGrant(rp.config, refused.callback, { pkceCodeVerifier: refused.verifier, expectedNonce: refused.nonce, expectedState: refused.state })).rejects.toMatchObject({ error: "access_denied" });
    const events = await t.db().auditEvent.findMany({ where: { action: "oauth.role_required", actorId: userId } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ result: "failure", targetId: rp.app.clientId });

    const group = await t.db().group.create({ data: { displayName: "Members", members: { create: [{ userId }] } } });
    await assignApplicationRole(admin, rp.app.id, member.id, { groupId: group.id }, ctx);
    const tokens = await signIn(rp, session, "openid");
    expect(tokens.claims()!.roles).toEqual(["member"]);
  });

  it("refuses the code exchange (invalid_grant) when the role was taken back while the code waited", async () => {
    const rp = await relyingParty("Code RP");
    const { userId, session } = await signedIn("code-roles@example.com");
    const role = await createApplicationRole(admin, rp.app.id, { name: "member" }, ctx);
    await assignApplicationRole(admin, rp.app.id, role.id, { userId }, ctx);
    await setRoleClaims(admin, rp.app.id, { rolesClaim: "roles", requireRole: true }, ctx);
    const r = await authorizationResponse(rp, session, "openid");
    expect(r.params.code).toBeTruthy();
    await unassignApplicationRole(admin, rp.app.id, role.id, { userId }, ctx);
    await expect(oidcClient.authorizationCodeGrant(rp.config, r.callback, { pkceCodeVerifier: r.verifier, expectedNonce: r.nonce, expectedState: r.state })).rejects.toMatchObject({ error: "invalid_grant" });
    expect(await t.db().auditEvent.count({ where: { action: "oauth.role_required", actorId: userId } })).toBe(1);
  });

  it("refuses a refresh (invalid_grant) once the user holds no role of an application that requires one, and refreshes again with a role back", async () => {
    const rp = await relyingParty("Refresh RP", ["authorization_code", "refresh_token"]);
    const { userId, session } = await signedIn("refresh-roles@example.com");
    const role = await createApplicationRole(admin, rp.app.id, { name: "user" }, ctx);
    await assignApplicationRole(admin, rp.app.id, role.id, { userId }, ctx);
    await setRoleClaims(admin, rp.app.id, { rolesClaim: "roles", requireRole: true }, ctx);
    const tokens = await signIn(rp, session, "openid offline_access");
    expect(tokens.refresh_token).toBeTruthy();

    const second = await createApplicationRole(admin, rp.app.id, { name: "power_user" }, ctx);
    await assignApplicationRole(admin, rp.app.id, second.id, { userId }, ctx);
    const refreshed = await oidcClient.refreshTokenGrant(rp.config, tokens.refresh_token!);
    // Computed again at refresh: the new role is there.
    expect(refreshed.claims()!.roles).toEqual(["power_user", "user"]);
    expect((await verifiedAccessToken(refreshed.access_token)).roles).toEqual(["power_user", "user"]);

    await unassignApplicationRole(admin, rp.app.id, role.id, { userId }, ctx);
    await unassignApplicationRole(admin, rp.app.id, second.id, { userId }, ctx);
    await expect(oidcClient.refreshTokenGrant(rp.config, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect(await t.db().auditEvent.count({ where: { action: "oauth.role_required", actorId: userId } })).toBe(1);

    await assignApplicationRole(admin, rp.app.id, role.id, { userId }, ctx);
    const again = await oidcClient.refreshTokenGrant(rp.config, refreshed.refresh_token!);
    expect(again.claims()!.roles).toEqual(["user"]);
  });

  it("refuses the device flow to a user holding no role (approval refused; a role gone before the exchange: access_denied)", async () => {
    const { application: created } = await createApplication(admin, { name: "Roles TV", type: "public", grantTypes: [DEVICE_CODE_GRANT], firstParty: true }, ctx);
    const { userId, session } = await signedIn("device-roles@example.com");
    const approver = { id: session.id, userId, amr: session.amr };
    const role = await createApplicationRole(admin, created.id, { name: "viewer" }, ctx);
    // The application as the token endpoint's client authentication reads it: with its role settings.
    const tv = await setRoleClaims(admin, created.id, { rolesClaim: "roles", requireRole: true }, ctx);

    const first = await startDeviceAuthorization(tv, "openid", ctx);
    const entry = await enterUserCode(first.user_code, userId, ctx);
    if (!entry.ok) throw new Error("the code was not found");
    expect(await approveDevice(entry.request.requestId, approver, ctx)).toMatchObject({ ok: false, reason: "refused" });

    await assignApplicationRole(admin, tv.id, role.id, { userId }, ctx);
    const second = await startDeviceAuthorization(tv, "openid", ctx);
    const entry2 = await enterUserCode(second.user_code, userId, ctx);
    if (!entry2.ok) throw new Error("the code was not found");
    expect(await approveDevice(entry2.request.requestId, approver, ctx)).toMatchObject({ ok: true });
    const third = await startDeviceAuthorization(tv, "openid", ctx);
    const entry3 = await enterUserCode(third.user_code, userId, ctx);
    if (!entry3.ok) throw new Error("the code was not found");
    expect(await approveDevice(entry3.request.requestId, approver, ctx)).toMatchObject({ ok: true });

    const tokens = await exchangeDeviceCode(tv, { grant_type: DEVICE_CODE_GRANT, device_code: second.device_code }, ctx);
    const { payload } = await jwtVerify(tokens.id_token!, createLocalJWKSet(await publicJwks()), { issuer: issuer(), audience: tv.clientId });
    expect(payload.roles).toEqual(["viewer"]);

    await unassignApplicationRole(admin, tv.id, role.id, { userId }, ctx);
    await expect(exchangeDeviceCode(tv, { grant_type: DEVICE_CODE_GRANT, device_code: third.device_code }, ctx)).rejects.toMatchObject({ error: "access_denied" });
  });
});
