import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { createApplication, type ApplicationDto } from "@/lib/applications";
import { publicJwks } from "@/lib/keys";
import { createSession, endSession } from "@/lib/sessions";
import { issuer } from "./issuer";
import { OAuthError } from "./oidc.errors";
import { DEVICE_CODE_GRANT, handleTokenRequest } from "./token-endpoint";
import {
  approveDevice,
  denyDevice,
  enterUserCode,
  exchangeDeviceCode,
  formatUserCode,
  lookupUserCode,
  normalizeUserCode,
  startDeviceAuthorization,
  USER_CODE_ALPHABET,
} from "./device";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.20", userAgent: "vitest" };
const admin = { id: crypto.randomUUID(), roles: ["admin"] };

let tv: ApplicationDto; // public, device grant + refresh tokens, third party
let console1: ApplicationDto; // confidential, first party
let webOnly: ApplicationDto; // no device grant

async function makeUser(email: string) {
  const user = await t.db().user.create({ data: { email, emailVerifiedAt: new Date(), displayName: email.split("@")[0] } });
  const session = await createSession(user.id, ctx);
  return { user, session, approver: { id: session.id, userId: user.id, amr: ["pwd"] } };
}

async function oauthError(p: Promise<unknown>): Promise<OAuthError> {
  const e = await p.then(
    () => {
      throw new Error("expected an OAuthError");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OAuthError);
  return e as OAuthError;
}

const later = (ms: number) => new Date(Date.now() + ms);

beforeAll(async () => {
  tv = (await createApplication(admin, { name: "Living-room TV", type: "public", grantTypes: [DEVICE_CODE_GRANT, "refresh_token"] }, ctx)).application;
  console1 = (
    await createApplication(admin, { name: "Portico Console", type: "confidential", grantTypes: [DEVICE_CODE_GRANT], firstParty: true }, ctx)
  ).application;
  webOnly = (await createApplication(admin, { name: "Web", type: "confidential", redirectUris: ["https://web.example.com/cb"] }, ctx)).application;
});

describe(`device authorization grant (RFC 8628) on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("answers the device authorization request per §3.2 and stores only the device code's hash", async () => {
    const r = await startDeviceAuthorization(tv, "openid profile", ctx);
    const letters = `[${USER_CODE_ALPHABET}]`;
    expect(r.user_code).toMatch(new RegExp(`^${letters}{4}-${letters}{4}$`));
    expect(r.device_code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r).toMatchObject({ verification_uri: `${issuer()}/device`, expires_in: 600, interval: 5 });
    expect(r.verification_uri_complete).toBe(`${issuer()}/device?user_code=${r.user_code}`);
    const row = await t.db().deviceAuthorization.findFirstOrThrow({ where: { clientId: tv.clientId }, orderBy: { createdAt: "desc" } });
    expect(row.deviceCodeHash).toBe(crypto.createHash("sha256").update(r.device_code).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(r.device_code);
    expect(row).toMatchObject({ status: "pending", scope: "openid profile", intervalSeconds: 5, userCode: r.user_code.replace("-", "") });
  });

  it("refuses clients without the device grant, and unknown or missing scopes", async () => {
    expect((await oauthError(startDeviceAuthorization(webOnly, "openid", ctx))).error).toBe("unauthorized_client");
    expect((await oauthError(startDeviceAuthorization(tv, "openid admin", ctx))).error).toBe("invalid_scope");
    expect((await oauthError(startDeviceAuthorization(tv, undefined, ctx))).error).toBe("invalid_scope");
  });

  it("normalises what people type: lower case, spaces, dashes; refuses other letters", () => {
    expect(normalizeUserCode("bcdf-ghjk")).toBe("BCDFGHJK");
    expect(normalizeUserCode(" bcdf ghjk ")).toBe("BCDFGHJK");
    expect(normalizeUserCode("BCDFGHJK")).toBe("BCDFGHJK");
    expect(normalizeUserCode("bcdf–ghjk")).toBe("BCDFGHJK"); // en dash from a phone keyboard
    expect(normalizeUserCode("BCDF-GHJA")).toBeNull(); // vowel: never issued
    expect(normalizeUserCode("BCDF-GHJ0")).toBeNull();
    expect(normalizeUserCode("BCDF-GHJ")).toBeNull();
    expect(normalizeUserCode("x".repeat(100))).toBeNull();
    expect(formatUserCode("BCDFGHJK")).toBe("BCDF-GHJK");
  });

  it("runs the state machine: pending, slow_down, approved, tokens once, then invalid_grant", async () => {
    const { session, approver, user } = await makeUser("ada@example.com");
    const r = await startDeviceAuthorization(tv, "openid profile offline_access", ctx);
    const poll = (now?: Date) => exchangeDeviceCode(tv, { grant_type: DEVICE_CODE_GRANT, device_code: r.device_code }, ctx, now);

    const t0 = new Date();
    expect((await oauthError(poll(t0))).error).toBe("authorization_pending");
    // Polled again after 1 s with a 5 s interval: slow_down, and the interval grows by 5 s (§3.5).
    const e = await oauthError(poll(new Date(t0.getTime() + 1000)));
    expect(e.error).toBe("slow_down");
    expect(e.status).toBe(400);
    expect((await t.db().deviceAuthorization.findUniqueOrThrow({ where: { userCode: r.user_code.replace("-", "") } })).intervalSeconds).toBe(10);
    // 6 s later is fine for the old interval, too soon for the new one.
    expect((await oauthError(poll(new Date(t0.getTime() + 7000)))).error).toBe("slow_down");
    expect((await oauthError(poll(new Date(t0.getTime() + 7000 + 15_000)))).error).toBe("authorization_pending");

    // The user types the code in lower case with a space, sees the request, approves.
    const typed = r.user_code.toLowerCase().replace("-", " ");
    const entry = await enterUserCode(typed, user.id, ctx);
    expect(entry.ok).toBe(true);
    if (!entry.ok) return;
    expect(entry.request).toMatchObject({ clientId: tv.clientId, clientName: "Living-room TV", userCode: r.user_code, firstParty: false });
    expect(entry.request.scopes.map((s) => s.scope)).toEqual(["openid", "profile", "offline_access"]);
    expect(entry.request.scopes[1]!.description).toMatch(/name/);
    expect(await approveDevice(entry.request.requestId, approver, ctx)).toEqual({ ok: true, clientName: "Living-room TV" });
    // Consent is remembered for a third-party client.
    expect((await t.db().consent.findUniqueOrThrow({ where: { userId_clientId: { userId: user.id, clientId: tv.clientId } } })).scopes).toEqual(["openid", "profile", "offline_access"]);
    // A decided request is no longer offered.
    expect(await lookupUserCode(r.user_code)).toBeNull();

    const tokens = await handleTokenRequest(tv, { grant_type: DEVICE_CODE_GRANT, device_code: r.device_code }, ctx);
    expect(tokens).toMatchObject({ token_type: "Bearer", scope: "openid profile offline_access" });
    expect(tokens.refresh_token).toBeTruthy();
    const jwks = createLocalJWKSet(await publicJwks());
    const { payload: idt } = await jwtVerify(tokens.id_token!, jwks, { issuer: issuer(), audience: tv.clientId });
    expect(idt).toMatchObject({ sub: user.id, sid: session.id, name: "ada" });
    expect(idt.auth_time).toBeTypeOf("number");
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: user.id, client_id: tv.clientId });
    const grant = await t.db().oAuthGrant.findFirstOrThrow({ where: { clientId: tv.clientId, userId: user.id } });
    expect(grant).toMatchObject({ sessionId: session.id, scope: "openid profile offline_access", revokedAt: null });

    // Single use; still invalid_grant (not expired_token) after the code's lifetime.
    expect((await oauthError(poll())).error).toBe("invalid_grant");
    expect((await oauthError(poll(later(700_000)))).error).toBe("invalid_grant");
    const audit = await t.db().auditEvent.findMany({ where: { action: { in: ["oauth.device_approved", "oauth.tokens_issued", "oauth.device_authorization_started"] } } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["oauth.device_approved", "oauth.tokens_issued", "oauth.device_authorization_started"]));
    expect(JSON.stringify(audit.map((a) => ({ ...a, id: undefined })))).not.toContain(r.device_code);
  });

  it("issues no ID token without openid and no refresh token without offline_access", async () => {
    const { approver, user } = await makeUser("bob@example.com");
    const r = await startDeviceAuthorization(tv, "profile", ctx);
    const entry = await enterUserCode(r.user_code, user.id, ctx);
    if (!entry.ok) throw new Error("lookup failed");
    await approveDevice(entry.request.requestId, approver, ctx);
    const tokens = await exchangeDeviceCode(tv, { device_code: r.device_code }, ctx);
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("answers access_denied after the user denies", async () => {
    const { approver, user } = await makeUser("carol@example.com");
    const r = await startDeviceAuthorization(tv, "openid", ctx);
    const view = await lookupUserCode(r.user_code);
    expect(await denyDevice(view!.requestId, approver, ctx)).toEqual({ ok: true, clientName: "Living-room TV" });
    expect((await oauthError(exchangeDeviceCode(tv, { device_code: r.device_code }, ctx))).error).toBe("access_denied");
    // Decided once: a later approval does nothing.
    expect(await approveDevice(view!.requestId, approver, ctx)).toEqual({ ok: false, reason: "not_found" });
    expect(await t.db().consent.findUnique({ where: { userId_clientId: { userId: user.id, clientId: tv.clientId } } })).toBeNull();
  });

  it("answers expired_token after the code's lifetime, and no longer accepts the user code", async () => {
    const { approver } = await makeUser("dan@example.com");
    const r = await startDeviceAuthorization(tv, "openid", ctx);
    expect((await oauthError(exchangeDeviceCode(tv, { device_code: r.device_code }, ctx, later(601_000)))).error).toBe("expired_token");
    expect(await lookupUserCode(r.user_code, later(601_000))).toBeNull();
    const view = await lookupUserCode(r.user_code);
    expect(await approveDevice(view!.requestId, approver, ctx, later(601_000))).toEqual({ ok: false, reason: "not_found" });
  });

  it("treats another client's device code, or a made-up one, as invalid_grant", async () => {
    const r = await startDeviceAuthorization(tv, "openid", ctx);
    expect((await oauthError(exchangeDeviceCode(console1, { device_code: r.device_code }, ctx))).error).toBe("invalid_grant");
    expect((await oauthError(exchangeDeviceCode(tv, { device_code: "made-up" }, ctx))).error).toBe("invalid_grant");
    expect((await oauthError(exchangeDeviceCode(tv, {}, ctx))).error).toBe("invalid_request");
  });

  it("records no consent for a first-party client", async () => {
    const { approver, user } = await makeUser("erin@example.com");
    const r = await startDeviceAuthorization(console1, "openid email", ctx);
    const view = await lookupUserCode(r.user_code);
    expect(view?.firstParty).toBe(true);
    await approveDevice(view!.requestId, approver, ctx);
    expect(await t.db().consent.count({ where: { userId: user.id } })).toBe(0);
    expect((await exchangeDeviceCode(console1, { device_code: r.device_code }, ctx)).id_token).toBeTruthy();
  });

  it("gives tokens to exactly one of two concurrent exchanges", async () => {
    const { approver } = await makeUser("frank@example.com");
    const r = await startDeviceAuthorization(tv, "openid", ctx);
    await approveDevice((await lookupUserCode(r.user_code))!.requestId, approver, ctx);
    const results = await Promise.allSettled([1, 2, 3].map(() => exchangeDeviceCode(tv, { device_code: r.device_code }, ctx)));
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    for (const x of results) if (x.status === "rejected") expect((x.reason as OAuthError).error).toBe("invalid_grant");
  });

  it("refuses the approval once the approving session has ended", async () => {
    const { approver, session } = await makeUser("gina@example.com");
    const r = await startDeviceAuthorization(tv, "openid", ctx);
    await approveDevice((await lookupUserCode(r.user_code))!.requestId, approver, ctx);
    await endSession(session.token, ctx);
    expect((await oauthError(exchangeDeviceCode(tv, { device_code: r.device_code }, ctx))).error).toBe("access_denied");
  });

  it("limits code entries per user (10 per 10 minutes), found or not", async () => {
    const { user } = await makeUser("mallory@example.com");
    const r = await startDeviceAuthorization(tv, "openid", ctx);
    const other = { ip: "198.51.100.7" };
    for (let i = 0; i < 10; i++) expect(await enterUserCode("BBBB-BBBB", user.id, other)).toEqual({ ok: false, reason: "not_found" });
    const blocked = await enterUserCode(r.user_code, user.id, other);
    expect(blocked).toMatchObject({ ok: false, reason: "rate_limited" });
    if (!blocked.ok && blocked.reason === "rate_limited") expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
    // Another user is not affected.
    const { user: other2 } = await makeUser("nina@example.com");
    expect((await enterUserCode(r.user_code, other2.id, other)).ok).toBe(true);
  });

  it("limits code entries per IP across users (30 per 10 minutes)", async () => {
    const ip = { ip: "203.0.113.99" };
    for (let i = 0; i < 30; i++) {
      const { user } = await makeUser(`ip${i}@example.com`);
      expect((await enterUserCode("BBBB-BBBB", user.id, ip)).ok).toBe(false);
    }
    const { user } = await makeUser("ip-last@example.com");
    expect(await enterUserCode("BBBB-BBBB", user.id, ip)).toMatchObject({ ok: false, reason: "rate_limited" });
  });

  describe("approval meets the browser flow's sign-in requirements (MFA policy, acr_values, risk step-up)", () => {
    async function appWith(mfaPolicy: "off" | "required") {
      return (await createApplication(admin, { name: `TV ${mfaPolicy}`, type: "public", grantTypes: [DEVICE_CODE_GRANT], mfaPolicy }, ctx)).application;
    }
    async function approverWith(amr: string[], withFactor: boolean) {
      const user = await t.db().user.create({ data: { email: `device-mfa-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
      const session = await createSession(user.id, ctx, undefined, { amr });
      if (withFactor) await t.db().mfaFactor.create({ data: { userId: user.id, type: "totp", label: "App", confirmedAt: new Date() } });
      return { user, approver: { id: session.id, userId: user.id, amr } };
    }
    async function pendingRequest(app: ApplicationDto, acrValues?: string) {
      const r = await startDeviceAuthorization(app, "openid", ctx, undefined, acrValues);
      return { r, requestId: (await lookupUserCode(r.user_code))!.requestId };
    }
    const status = async (userCode: string) => (await t.db().deviceAuthorization.findUniqueOrThrow({ where: { userCode: userCode.replace("-", "") } })).status;

    it("an application that requires two-step verification: a one-factor session signs in again, an account without a factor sets one up, two factors approve", async () => {
      const app = await appWith("required");
      const oneFactor = await approverWith(["pwd"], true);
      const a = await pendingRequest(app);
      expect(await approveDevice(a.requestId, oneFactor.approver, ctx)).toMatchObject({ ok: false, reason: "sign_in_again", userCode: a.r.user_code });
      expect(await status(a.r.user_code)).toBe("pending");
      expect((await oauthError(exchangeDeviceCode(app, { device_code: a.r.device_code }, ctx))).error).toBe("authorization_pending");

      const noFactor = await approverWith(["pwd"], false);
      expect(await approveDevice(a.requestId, noFactor.approver, ctx)).toMatchObject({ ok: false, reason: "set_up_factor" });

      const twoFactors = await approverWith(["pwd", "otp", "mfa"], true);
      expect(await approveDevice(a.requestId, twoFactors.approver, ctx)).toEqual({ ok: true, clientName: "TV required" });
      const tokens = await exchangeDeviceCode(app, { device_code: a.r.device_code }, ctx);
      expect(decodeJwt(tokens.id_token!)).toMatchObject({ acr: "urn:portico:acr:mfa" });
      expect(await t.db().auditEvent.count({ where: { action: "oauth.device_approval_refused", actorId: oneFactor.user.id } })).toBe(1);
    });

    it("acr_values asking for a second factor: a one-factor session signs in again; without a factor the requirement cannot be met", async () => {
      const app = await appWith("off");
      const a = await pendingRequest(app, "urn:portico:acr:mfa");
      expect(await t.db().deviceAuthorization.findUniqueOrThrow({ where: { id: a.requestId } })).toMatchObject({ acrValues: "urn:portico:acr:mfa" });
      expect(await approveDevice(a.requestId, (await approverWith(["pwd"], true)).approver, ctx)).toMatchObject({ ok: false, reason: "sign_in_again" });
      expect(await approveDevice(a.requestId, (await approverWith(["pwd"], false)).approver, ctx)).toMatchObject({ ok: false, reason: "unmet_authentication_requirements" });
      expect((await approveDevice(a.requestId, (await approverWith(["hwk", "user", "mfa"], true)).approver, ctx)).ok).toBe(true);
      // Without acr_values the same application takes one factor.
      const b = await pendingRequest(app);
      expect((await approveDevice(b.requestId, (await approverWith(["pwd"], false)).approver, ctx)).ok).toBe(true);
    });

    it("a transaction value above the risk policy's threshold needs a second factor, as in the browser flow", async () => {
      const app = await appWith("off");
      const a = await pendingRequest(app, "urn:portico:txn:value:5000");
      expect(await approveDevice(a.requestId, (await approverWith(["pwd"], true)).approver, ctx)).toMatchObject({ ok: false, reason: "sign_in_again" });
      expect((await approveDevice(a.requestId, (await approverWith(["pwd", "otp", "mfa"], true)).approver, ctx)).ok).toBe(true);
      const small = await pendingRequest(app, "urn:portico:txn:value:50");
      expect((await approveDevice(small.requestId, (await approverWith(["pwd"], true)).approver, ctx)).ok).toBe(true);
    });

    it("refuses malformed acr_values at the device authorization endpoint", async () => {
      const app = await appWith("off");
      expect((await oauthError(startDeviceAuthorization(app, "openid", ctx, undefined, "x".repeat(501)))).error).toBe("invalid_request");
      expect((await oauthError(startDeviceAuthorization(app, "openid", ctx, undefined, "a\u0000b"))).error).toBe("invalid_request");
    });
  });
});
