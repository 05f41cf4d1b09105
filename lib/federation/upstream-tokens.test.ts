// The kept upstream tokens handed out: a fresh one as stored, a stale one refreshed first at the
// real stand-in's token endpoint (RFC 6749 §6) and stored sealed again, concurrent readers
// refreshing once, and a refresh token the upstream refuses (invalid_grant) clearing them all.
import crypto from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refusal } from "@/test/upstreams/refusal";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { reloadConfig } from "@/lib/config";
import { withTransaction } from "@/lib/db";
import { followToCallback } from "@/test/upstreams/browser";
import { allowLoopback } from "@/test/upstreams/connection";
import { startOidcUpstream, type OidcUpstream } from "@/test/upstreams/oidc-upstream";
import { createApplication } from "@/lib/applications";
import { createConnection, findEnabledConnection, linkIdentity, redeemUpstreamCallback, redirectUriOf, setApplicationConnections, upstreamAuthorizationUrl, upstreamTokensFor } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.80", userAgent: "vitest" };
const admin = { id: "00000000-0000-4000-8000-00000000f001", roles: ["admin"] };
const SECRET = "upstream-client-secret-for-portico";
/** An application that offers both connections; `other` offers none. */
const reader = { clientId: "", ctx };
let other = "";
let up: OidcUpstream;
let accounts = 0;

const tokenCalls = () => up.requests.filter((r) => r.method === "POST" && r.path === "/token").length;

/** A customer linked at the connection through a real round trip to the stand-in (its tokens kept as the sign-in keeps them). */
async function linkedCustomer(slug = "keeper") {
  const user = await t.db().user.create({ data: { email: `kept-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  up.next = `sub-${++accounts}`;
  const c = (await findEnabledConnection(slug))!;
  const auth = await upstreamAuthorizationUrl(c, redirectUriOf(slug));
  const identity = await redeemUpstreamCallback(c, redirectUriOf(slug), await followToCallback(auth.url, redirectUriOf(slug)), auth);
  const row = await withTransaction((tx) => linkIdentity(user.id, c, identity, "portal", ctx, tx));
  up.requests.length = 0;
  return { userId: user.id, identityId: row.id, tokens: identity.tokens };
}

const expire = (id: string) => t.db().linkedIdentity.update({ where: { id }, data: { tokenExpiresAt: new Date(Date.now() + 30_000) } });

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  up = await startOidcUpstream({
    clients: [{ clientId: "portico", clientSecret: SECRET, redirectUris: [redirectUriOf("keeper"), redirectUriOf("forgetful")] }],
    // One upstream account per linked customer.
    accounts: Array.from({ length: 10 }, (_, i) => ({ sub: `sub-${i + 1}`, email: `customer-${i + 1}@upstream.example`, email_verified: true })),
    refreshTokens: { rotate: true },
  });
  const settings = { protocol: "oidc", issuer: up.issuer, clientId: "portico", scopes: ["openid", "email"], claimMapping: {} };
  const keeper = await createConnection(admin, { slug: "keeper", name: "Keeper ID", settings, clientSecret: SECRET, storeTokens: true }, ctx);
  const forgetful = await createConnection(admin, { slug: "forgetful", name: "Forgetful ID", settings, clientSecret: SECRET, storeTokens: false }, ctx);
  const app = (await createApplication(admin, { name: "Reporting", type: "confidential", redirectUris: ["https://reports.example.com/cb"] }, {})).application;
  await setApplicationConnections(admin, app.id, [keeper.id, forgetful.id], ctx);
  reader.clientId = app.clientId;
  other = (await createApplication(admin, { name: "Elsewhere", type: "confidential", redirectUris: ["https://elsewhere.example.com/cb"] }, {})).application.clientId;
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await up?.close();
});
beforeEach(() => {
  up.requests.length = 0;
});

describe("upstreamTokensFor", () => {
  it("hands out a fresh token as stored, without calling the upstream; the read is audited", async () => {
    const { userId, tokens } = await linkedCustomer();
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const got = await upstreamTokensFor(userId, "keeper", reader);
    expect(got).toEqual({ accessToken: tokens.accessToken, idToken: tokens.idToken, expiresAt: tokens.expiresAt });
    expect(tokenCalls()).toBe(0);
    const read = (await listAuditEvents({ targetId: userId })).find((e) => e.action === "federation.tokens_read");
    expect(read?.details).toMatchObject({ connection: "keeper", clientId: reader.clientId });
  });

  it("refreshes a token that expires within a minute at the upstream's token endpoint, and stores the new ones sealed", async () => {
    const { userId, identityId, tokens } = await linkedCustomer();
    await expire(identityId);
    // A second later: the refreshed ID token's iat differs, so it cannot equal the first byte for byte.
    await new Promise((r) => setTimeout(r, 1100));
    const got = await upstreamTokensFor(userId, "keeper", reader);
    expect(tokenCalls()).toBe(1);
    expect(got.accessToken).not.toBe(tokens.accessToken);
    expect(got.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 5 * 60_000);
    // The upstream takes the new token.
    expect((await fetch(`${up.issuer}/me`, { headers: { authorization: `Bearer ${got.accessToken}` } })).status).toBe(200);

    const row = await t.db().linkedIdentity.findUniqueOrThrow({ where: { id: identityId } });
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(got.accessToken);
    expect(stored).not.toContain(tokens.refreshToken!);
    expect(row.tokenExpiresAt).toEqual(got.expiresAt);
    // The refreshed ID token validated and names the same subject (Core §12.2): kept, sealed.
    expect(got.idToken).not.toBe(tokens.idToken);
    expect(decodeJwt(got.idToken!).sub).toBe(decodeJwt(tokens.idToken!).sub);
    expect(stored).not.toContain(got.idToken);
    // The next read is the stored one: no second refresh.
    expect(await upstreamTokensFor(userId, "keeper", reader)).toEqual(got);
    expect(tokenCalls()).toBe(1);
    const refreshedEvent = (await listAuditEvents({ targetId: userId })).find((e) => e.action === "federation.tokens_refreshed");
    expect(refreshedEvent?.details).toMatchObject({ connection: "keeper", refreshTokenRotated: true });
  });

  it("keeps the old ID token when the refreshed one names another subject (OIDC Core §12.2)", async () => {
    const a = await linkedCustomer();
    const b = await linkedCustomer();
    const bRow = await t.db().linkedIdentity.findUniqueOrThrow({ where: { id: b.identityId } });
    await t.db().linkedIdentity.update({ where: { id: a.identityId }, data: { idTokenSealed: bRow.idTokenSealed, tokenExpiresAt: new Date(Date.now() - 1000) } });
    const got = await upstreamTokensFor(a.userId, "keeper", reader);
    expect(tokenCalls()).toBe(1);
    expect(got.accessToken).not.toBe(a.tokens.accessToken);
    expect(got.idToken).toBe(b.tokens.idToken);
  });

  it("refreshes once for concurrent readers: the second reuses the first's new token", async () => {
    const { userId, identityId } = await linkedCustomer();
    await expire(identityId);
    const [a, b, c] = await Promise.all([upstreamTokensFor(userId, "keeper", reader), upstreamTokensFor(userId, "keeper", reader), upstreamTokensFor(userId, "keeper", reader)]);
    expect(tokenCalls()).toBe(1);
    expect(b.accessToken).toBe(a.accessToken);
    expect(c.accessToken).toBe(a.accessToken);
  });

  it("clears the tokens when the upstream refuses the refresh token (invalid_grant): the customer must sign in again", async () => {
    const { userId, identityId } = await linkedCustomer();
    const before = await t.db().linkedIdentity.findUniqueOrThrow({ where: { id: identityId } });
    await expire(identityId);
    await upstreamTokensFor(userId, "keeper", reader);
    // The refresh token used (rotated away) put back: the upstream refuses it now.
    await t.db().linkedIdentity.update({ where: { id: identityId }, data: { accessTokenSealed: before.accessTokenSealed, refreshTokenSealed: before.refreshTokenSealed, tokenExpiresAt: new Date(Date.now() - 1000) } });
    const e = await refusal(upstreamTokensFor(userId, "keeper", reader));
    expect(e.code).toBe("sign_in_required");
    expect(e.message).toMatch(/sign in with Keeper ID again/);
    expect(await t.db().linkedIdentity.findUniqueOrThrow({ where: { id: identityId } })).toMatchObject({ accessTokenSealed: null, refreshTokenSealed: null, tokenExpiresAt: null });
    const cleared = (await listAuditEvents({ targetId: userId })).find((ev) => ev.action === "federation.tokens_cleared");
    expect(cleared?.details).toMatchObject({ connection: "keeper", reason: "invalid_grant" });
    // Nothing kept any more.
    expect((await refusal(upstreamTokensFor(userId, "keeper", reader))).code).toBe("not_found");
  });

  it("answers sign_in_required for an expired token without a refresh token, keeping it", async () => {
    const { userId, identityId } = await linkedCustomer();
    await t.db().linkedIdentity.update({ where: { id: identityId }, data: { refreshTokenSealed: null, tokenExpiresAt: new Date(Date.now() - 1000) } });
    expect((await refusal(upstreamTokensFor(userId, "keeper", reader))).code).toBe("sign_in_required");
    expect(tokenCalls()).toBe(0);
    expect((await t.db().linkedIdentity.findUniqueOrThrow({ where: { id: identityId } })).accessTokenSealed).not.toBeNull();
  });

  it("is not found at a connection that keeps no tokens, an unknown one, or where the customer has no identity", async () => {
    const { userId } = await linkedCustomer("forgetful");
    expect((await refusal(upstreamTokensFor(userId, "forgetful", reader))).code).toBe("not_found");
    expect((await refusal(upstreamTokensFor(userId, "keeper", reader))).code).toBe("not_found");
    expect((await refusal(upstreamTokensFor(userId, "nowhere", reader))).code).toBe("not_found");
  });

  it("is refused to an application that does not offer the connection on its sign-in page", async () => {
    const { userId } = await linkedCustomer();
    expect((await refusal(upstreamTokensFor(userId, "keeper", { clientId: other, ctx }))).code).toBe("forbidden");
    expect((await listAuditEvents({ targetId: userId })).some((e) => e.action === "federation.tokens_read")).toBe(false);
  });
});
