import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { reloadConfig } from "@/lib/config";
import { createApplication, type ApplicationDto } from "@/lib/applications";
import { publicJwks, signJwt } from "@/lib/keys";
import { deliverDueHttp } from "@/lib/outbound";
import { createSession, validateSession } from "@/lib/sessions";
import { issuer } from "./issuer";
import { insertGrant } from "./oidc.repo";
import {
  BACKCHANNEL_LOGOUT_EVENT,
  backchannelLogout,
  completeRpLogout,
  endUserSession,
  openRpLogoutParams,
  openRpLogoutRequest,
  postLogoutRedirect,
  sealRpLogoutParams,
  sealRpLogoutRequest,
  validateRpLogout,
} from "./logout";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.30", userAgent: "vitest" };
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

// --- a relying party's back-channel logout endpoint on a random localhost port ---------------------

interface Receiver {
  url: string;
  bodies: { path: string; contentType?: string; body: string }[];
  reply: (n: number) => number;
  attempts: number;
  close: () => Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Partial<Receiver> = { bodies: [], reply: () => 200, attempts: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      r.bodies!.push({ path: req.url!, contentType: req.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(r.reply!((r.attempts = r.attempts! + 1))).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r as Receiver;
}

let rp: Receiver;
let shop: ApplicationDto; // back-channel logout, ES256
let mail: ApplicationDto; // back-channel logout, RS256
let plain: ApplicationDto; // no back-channel logout

beforeAll(async () => {
  // The relying party is a local stand-in: opt into loopback explicitly (the SSRF guard's default is off).
  process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
  reloadConfig();
  rp = await startReceiver();
  const base = { type: "confidential" as const, grantTypes: ["authorization_code", "refresh_token"] as ("authorization_code" | "refresh_token")[] };
  shop = (
    await createApplication(
      admin,
      {
        ...base,
        name: "Shop",
        redirectUris: ["https://shop.example.com/cb"],
        postLogoutRedirectUris: ["https://shop.example.com/bye", "https://shop.example.com/bye?from=portico"],
        backchannelLogoutUri: `${rp.url}/shop/bcl`,
      },
      ctx,
    )
  ).application;
  mail = (
    await createApplication(admin, { ...base, name: "Mail", redirectUris: ["https://mail.example.com/cb"], backchannelLogoutUri: `${rp.url}/mail/bcl`, idTokenSignedResponseAlg: "RS256" }, ctx)
  ).application;
  plain = (await createApplication(admin, { ...base, name: "Plain", redirectUris: ["https://plain.example.com/cb"], postLogoutRedirectUris: ["https://plain.example.com/bye"] }, ctx)).application;
});
afterAll(async () => {
  delete process.env.OUTBOUND_ALLOW_LOOPBACK;
  reloadConfig();
  await rp?.close();
});
beforeEach(async () => {
  await t.db().httpDelivery.deleteMany();
  rp.bodies.length = 0;
  rp.reply = () => 200;
  rp.attempts = 0;
});

async function signedIn(email: string) {
  const user = await t.db().user.create({ data: { email, emailVerifiedAt: new Date() } });
  const session = await createSession(user.id, ctx);
  return { user, session };
}

async function grant(clientId: string, userId: string, sessionId: string, scope: string) {
  return insertGrant({ clientId, userId, sessionId, scope, authTime: new Date() });
}

async function verifyLogoutToken(token: string, audience: string) {
  return jwtVerify(token, createLocalJWKSet(await publicJwks()), { issuer: issuer(), audience, typ: "logout+jwt" });
}

describe(`back-channel logout on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("posts one logout token per client, revokes the session's grants except offline_access, and notifies no one else", async () => {
    const { user, session } = await signedIn("ada@example.com");
    const other = await signedIn("bob@example.com");
    const g1 = await grant(shop.clientId, user.id, session.id, "openid profile");
    const g2 = await grant(shop.clientId, user.id, session.id, "openid email"); // same client: still one token
    const g3 = await grant(mail.clientId, user.id, session.id, "openid offline_access");
    const g4 = await grant(plain.clientId, user.id, session.id, "openid");
    const gOther = await grant(shop.clientId, other.user.id, other.session.id, "openid");

    const before = new Date();
    await endUserSession(session.token, ctx);
    expect(await validateSession(session.token)).toBeNull();

    expect(await deliverDueHttp()).toEqual({ delivered: 2, failed: 0 });
    expect(rp.bodies.map((b) => b.path).sort()).toEqual(["/mail/bcl", "/shop/bcl"]);
    for (const b of rp.bodies) {
      expect(b.contentType).toBe("application/x-www-form-urlencoded");
      const form = new URLSearchParams(b.body);
      expect([...form.keys()]).toEqual(["logout_token"]);
      const token = form.get("logout_token")!;
      const audience = b.path.startsWith("/shop") ? shop.clientId : mail.clientId;
      const { payload, protectedHeader } = await verifyLogoutToken(token, audience);
      expect(protectedHeader.alg).toBe(b.path.startsWith("/shop") ? "ES256" : "RS256");
      expect(protectedHeader.kid).toBeTruthy();
      // Back-Channel Logout 1.0 §2.4
      expect(payload).toMatchObject({ iss: issuer(), aud: audience, sub: user.id, sid: session.id, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } });
      expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(payload.iat).toBeGreaterThanOrEqual(epoch(before) - 1);
      expect(payload.exp! - payload.iat!).toBe(120);
      expect(payload).not.toHaveProperty("nonce");
    }

    const rows = await t.db().oAuthGrant.findMany({ where: { id: { in: [g1.id, g2.id, g3.id, g4.id, gOther.id] } } });
    const revoked = (id: string) => rows.find((r) => r.id === id)!.revokedAt !== null;
    expect([g1, g2, g4].map((g) => revoked(g.id))).toEqual([true, true, true]);
    expect(revoked(g3.id)).toBe(false); // offline_access outlives the browser session
    expect(revoked(gOther.id)).toBe(false);
    expect(rows.find((r) => r.id === g1.id)!.revokedReason).toBe("logout");

    const [event] = await t.db().auditEvent.findMany({ where: { action: "oauth.backchannel_logout", targetId: session.id } });
    expect(event!.details).toMatchObject({ grantsRevoked: 3, grantsKept: 1 });
    expect((event!.details as { notified: string[] }).notified.sort()).toEqual([shop.clientId, mail.clientId].sort());
  });

  it("retries a delivery the relying party failed, with the same token", async () => {
    const { user, session } = await signedIn("carol@example.com");
    await grant(shop.clientId, user.id, session.id, "openid");
    rp.reply = (n) => (n === 1 ? 503 : 200);
    vi.spyOn(console, "warn").mockImplementation(() => {});

    expect(await backchannelLogout(session.id, ctx)).toEqual({ notified: [shop.clientId], revokedGrants: 1 });
    expect(await deliverDueHttp()).toEqual({ delivered: 0, failed: 1 });
    const row = await t.db().httpDelivery.findFirstOrThrow({ where: { kind: "backchannel_logout" } });
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    // The logout policy retries within the token's two minutes: 2 s after the first failure.
    expect(row.nextAttemptAt.getTime() - Date.now()).toBeLessThanOrEqual(3000);
    await t.db().httpDelivery.update({ where: { id: row.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    expect(await deliverDueHttp()).toEqual({ delivered: 1, failed: 0 });
    expect(rp.bodies).toHaveLength(2);
    expect(rp.bodies[1]!.body).toBe(rp.bodies[0]!.body);
    await verifyLogoutToken(new URLSearchParams(rp.bodies[1]!.body).get("logout_token")!, shop.clientId);
    vi.mocked(console.warn).mockRestore();
  });

  it("does nothing for a session without grants, and a second logout notifies no one again", async () => {
    const { user, session } = await signedIn("dan@example.com");
    expect(await backchannelLogout(session.id, ctx)).toEqual({ notified: [], revokedGrants: 0 });
    await grant(shop.clientId, user.id, session.id, "openid");
    expect((await backchannelLogout(session.id, ctx)).notified).toEqual([shop.clientId]);
    expect(await backchannelLogout(session.id, ctx)).toEqual({ notified: [], revokedGrants: 0 });
  });
});

describe("RP-initiated logout", () => {
  async function idToken(claims: Record<string, unknown>) {
    const iat = epoch(new Date());
    return signJwt({ iss: issuer(), aud: shop.clientId, iat, exp: iat + 3600, ...claims }, { alg: "ES256" });
  }

  it("signs out at once when the hint names this browser's session, and redirects to the registered URI with state", async () => {
    const { user, session } = await signedIn("erin@example.com");
    const hint = await idToken({ sub: user.id, sid: session.id });
    const outcome = await validateRpLogout(
      { id_token_hint: hint, post_logout_redirect_uri: "https://shop.example.com/bye?from=portico", state: "xyz 1&2", ui_locales: "fr en" },
      { id: session.id, userId: user.id },
    );
    expect(outcome).toEqual({
      kind: "logout",
      request: { clientId: shop.clientId, clientName: "Shop", postLogoutRedirectUri: "https://shop.example.com/bye?from=portico", state: "xyz 1&2", hinted: true },
    });
    if (outcome.kind !== "logout") return;
    expect(postLogoutRedirect(outcome.request)).toBe("https://shop.example.com/bye?from=portico&state=xyz+1%262");

    await grant(shop.clientId, user.id, session.id, "openid");
    await completeRpLogout(session.token, outcome.request, ctx);
    expect(await validateSession(session.token)).toBeNull();
    expect(await t.db().httpDelivery.count({ where: { kind: "backchannel_logout" } })).toBe(1);
    expect(await t.db().auditEvent.count({ where: { action: "oauth.rp_logout", targetId: session.id } })).toBe(1);
  });

  it("accepts an expired hint (§2) and a hint with only sub for the same user", async () => {
    const { user, session } = await signedIn("fay@example.com");
    const dayAgo = epoch(new Date()) - 86_400;
    const old = await idToken({ sub: user.id, sid: session.id, iat: dayAgo, exp: dayAgo + 3600 });
    expect((await validateRpLogout({ id_token_hint: old }, { id: session.id, userId: user.id })).kind).toBe("logout");
    const noSid = await idToken({ sub: user.id });
    expect((await validateRpLogout({ id_token_hint: noSid }, { id: session.id, userId: user.id })).kind).toBe("logout");
  });

  it("asks the user when the hint is about another session or there is no hint", async () => {
    const { user, session } = await signedIn("gus@example.com");
    const otherSession = crypto.randomUUID();
    const hint = await idToken({ sub: user.id, sid: otherSession });
    expect((await validateRpLogout({ id_token_hint: hint }, { id: session.id, userId: user.id })).kind).toBe("confirm");
    const bare = await validateRpLogout({ client_id: plain.clientId, post_logout_redirect_uri: "https://plain.example.com/bye", state: "s" }, { id: session.id, userId: user.id });
    expect(bare).toEqual({ kind: "confirm", request: { clientId: plain.clientId, clientName: "Plain", postLogoutRedirectUri: "https://plain.example.com/bye", state: "s" } });
    expect(await validateRpLogout({}, { id: session.id, userId: user.id })).toEqual({ kind: "confirm", request: {} });
  });

  it("without a Portico session there is nothing to end: straight on to the redirect", async () => {
    const hint = await idToken({ sub: crypto.randomUUID(), sid: crypto.randomUUID() });
    const outcome = await validateRpLogout({ id_token_hint: hint, post_logout_redirect_uri: "https://shop.example.com/bye" }, null);
    expect(outcome).toMatchObject({ kind: "signed_out", request: { postLogoutRedirectUri: "https://shop.example.com/bye" } });
  });

  it("without a valid hint, client_id and a registered URI never redirect straight away (no open redirector)", async () => {
    const params = { client_id: plain.clientId, post_logout_redirect_uri: "https://plain.example.com/bye", state: "s" };
    // No session in this browser: the confirmation page (a click), not a redirect.
    const outcome = await validateRpLogout(params, null);
    expect(outcome).toEqual({ kind: "confirm", request: { clientId: plain.clientId, clientName: "Plain", postLogoutRedirectUri: "https://plain.example.com/bye", state: "s" } });
    if (outcome.kind !== "confirm") return;
    // The sealed request keeps saying so (the page then shows a link instead of redirecting).
    expect((await openRpLogoutRequest(sealRpLogoutRequest(outcome.request)))?.hinted).toBeUndefined();
    // Nothing to redirect to and no session: the signed-out page, as before.
    expect((await validateRpLogout({ client_id: plain.clientId }, null)).kind).toBe("signed_out");
  });

  it("takes only an ID token as id_token_hint: Portico's access and logout tokens are refused", async () => {
    const { user, session } = await signedIn("hal@example.com");
    const iat = epoch(new Date());
    const claims = { iss: issuer(), aud: shop.clientId, sub: user.id, sid: session.id, iat, exp: iat + 600 };
    const idHint = await signJwt(claims, { alg: "ES256", typ: "JWT" });
    expect((await validateRpLogout({ id_token_hint: idHint }, { id: session.id, userId: user.id })).kind).toBe("logout");
    for (const typ of ["at+jwt", "logout+jwt"]) {
      const other = await signJwt({ ...claims, client_id: shop.clientId, scope: "openid" }, { alg: "ES256", typ });
      expect(await validateRpLogout({ id_token_hint: other }, { id: session.id, userId: user.id }), typ).toEqual({ kind: "error", reason: "invalid_id_token_hint" });
    }
  });

  it("refuses an unregistered or merely similar post_logout_redirect_uri (never redirects)", async () => {
    const hint = await idToken({ sub: crypto.randomUUID() });
    for (const uri of ["https://evil.example/bye", "https://shop.example.com/bye/", "https://shop.example.com/bye?x=1", "https://shop.example.com/BYE", "https://plain.example.com/bye"]) {
      expect(await validateRpLogout({ id_token_hint: hint, post_logout_redirect_uri: uri }, null)).toEqual({ kind: "error", reason: "unregistered_post_logout_redirect_uri" });
    }
    expect(await validateRpLogout({ post_logout_redirect_uri: "https://shop.example.com/bye" }, null)).toEqual({ kind: "error", reason: "post_logout_redirect_uri_without_client" });
    expect(await validateRpLogout({ client_id: "no-such-client", post_logout_redirect_uri: "https://shop.example.com/bye" }, null)).toEqual({ kind: "error", reason: "unknown_client" });
  });

  it("refuses a client_id that is not the hint's audience", async () => {
    const hint = await idToken({ sub: crypto.randomUUID() });
    expect(await validateRpLogout({ id_token_hint: hint, client_id: plain.clientId }, null)).toEqual({ kind: "error", reason: "client_mismatch" });
    expect((await validateRpLogout({ id_token_hint: hint, client_id: shop.clientId }, null)).kind).toBe("signed_out");
  });

  it("refuses a tampered hint, one from another issuer, and one signed by a foreign key", async () => {
    const sub = crypto.randomUUID();
    const hint = await idToken({ sub });
    const [h, p, s] = hint.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    const tampered = [h, Buffer.from(JSON.stringify({ ...payload, sub: crypto.randomUUID() })).toString("base64url"), s].join(".");
    expect(await validateRpLogout({ id_token_hint: tampered }, null)).toEqual({ kind: "error", reason: "invalid_id_token_hint" });

    const wrongIss = await idToken({ sub, iss: "https://other-idp.example" });
    expect(await validateRpLogout({ id_token_hint: wrongIss }, null)).toEqual({ kind: "error", reason: "invalid_id_token_hint" });

    const { privateKey } = await generateKeyPair("ES256");
    const kid = decodeProtectedHeader(hint).kid!;
    const forged = await new SignJWT({ iss: issuer(), aud: shop.clientId, sub }).setProtectedHeader({ alg: "ES256", kid }).setIssuedAt().setExpirationTime("1h").sign(privateKey);
    expect(await validateRpLogout({ id_token_hint: forged }, null)).toEqual({ kind: "error", reason: "invalid_id_token_hint" });
    expect(await validateRpLogout({ id_token_hint: "not.a.jwt" }, null)).toEqual({ kind: "error", reason: "invalid_id_token_hint" });
    expect(await validateRpLogout({ id_token_hint: "x".repeat(9000) }, null)).toEqual({ kind: "error", reason: "malformed_request" });
  });

  it("seals the request for the confirmation page: round trip, tamper-proof, short-lived, re-checked", async () => {
    const request = { clientId: shop.clientId, clientName: "Shop", postLogoutRedirectUri: "https://shop.example.com/bye", state: "abc" };
    const sealed = sealRpLogoutRequest(request);
    expect(sealed).not.toContain("shop.example.com");
    expect(await openRpLogoutRequest(sealed)).toEqual(request);
    // Change one character in the middle to a different one (never the same: the test must not pass by luck).
    const at = Math.floor(sealed.length / 2);
    const flipped = sealed.slice(0, at) + (sealed[at] === "A" ? "B" : "A") + sealed.slice(at + 1);
    expect(flipped).not.toBe(sealed);
    expect(await openRpLogoutRequest(flipped)).toBeNull();
    expect(await openRpLogoutRequest(sealed, new Date(Date.now() + 11 * 60_000))).toBeNull();
    // A URI the client no longer has registered is not honoured.
    expect(await openRpLogoutRequest(sealRpLogoutRequest({ ...request, postLogoutRedirectUri: "https://evil.example/" }))).toBeNull();
    expect(await openRpLogoutRequest("garbage")).toBeNull();
  });

  it("carries POSTed parameters to the GET re-entry sealed and briefly", () => {
    const raw = { id_token_hint: "a.b.c", post_logout_redirect_uri: "https://shop.example.com/bye", state: "s" };
    const sealed = sealRpLogoutParams(raw);
    expect(sealed).not.toContain("a.b.c");
    expect(openRpLogoutParams(sealed)).toEqual(raw);
    expect(openRpLogoutParams(sealed, new Date(Date.now() + 61_000))).toBeNull();
    // Not interchangeable with the confirmation page's sealed request.
    expect(openRpLogoutParams(sealRpLogoutRequest({}))).toBeNull();
  });
});

describe("back-channel logout for every session of a user", () => {
  it("notifies the clients of each session in which the user holds grants", async () => {
    const { backchannelLogoutUser } = await import("./logout");
    const { insertGrant } = await import("./oidc.repo");
    const { listDeliveries } = await import("@/lib/outbound");
    const { createApplication } = await import("@/lib/applications");
    const app = await createApplication(
      { id: "00000000-0000-4000-8000-0000000000aa", roles: ["admin"] },
      { name: "BC all", type: "confidential", redirectUris: ["https://bc.example.com/cb"], grantTypes: ["authorization_code"], backchannelLogoutUri: "https://bc.example.com/logout" },
      {},
    );
    const userId = "00000000-0000-4000-8000-0000000000bb";
    const s1 = "00000000-0000-4000-8000-0000000000c1";
    const s2 = "00000000-0000-4000-8000-0000000000c2";
    await insertGrant({ clientId: app.application.clientId, userId, sessionId: s1, scope: "openid" });
    await insertGrant({ clientId: app.application.clientId, userId, sessionId: s2, scope: "openid" });
    expect(await backchannelLogoutUser(userId, {})).toBe(2);
    const sent = (await listDeliveries({ take: 50 })).filter((d) => d.url === "https://bc.example.com/logout");
    expect(sent).toHaveLength(2);
    expect(await backchannelLogoutUser(userId, {})).toBe(0); // grants were revoked: nothing left to tell
  });
});
