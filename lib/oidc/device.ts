// OAuth 2.0 Device Authorization Grant (RFC 8628). A device without a browser asks for a device
// code and a short user code (§3.1-3.2); the user types the user code on /device in a browser where
// they are signed in and approves (§3.3); meanwhile the device polls the token endpoint (§3.4-3.5)
// and gets tokens exactly once. The user code has ~34.5 bits of entropy (§6.1: 8 characters from a
// 20-letter alphabet), so entering codes is rate-limited per user and per IP; the approval screen
// names the application and asks the user to compare the code with the device's (§5.4). Approval
// meets the same sign-in requirements as the browser flow (authorize.ts): the application's MFA
// policy, acr_values sent with the device request, and the risk engine's step-up.
import "server-only";
import crypto from "node:crypto";
import { isUuid } from "@/lib/formats";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { DEVICE_CODE_GRANT, findClientByClientId } from "@/lib/applications";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { consumeLimit } from "@/lib/ratelimit";
import { hasSecondFactor } from "@/lib/factors";
import { assessAuthorization } from "@/lib/risk";
import { listSessions } from "@/lib/sessions";
import { getClaimSource } from "@/lib/profile";
import { grantConsent } from "./consent";
import {
  consumeDeviceAuthorization,
  decideDeviceAuthorization,
  findDeviceByCodeHash,
  findDeviceById,
  findDeviceByUserCode,
  insertDeviceAuthorization,
  recordDevicePoll,
} from "./device.repo";
import { issuer } from "./issuer";
import { OAuthError } from "./oidc.errors";
import { insertGrant, withTransaction } from "./oidc.repo";
import { achievedAcr, multiFactorRequired } from "./acr";
import { effectiveMfaPolicy } from "./mfa-policy";
import { isKnownScope, parseScope, SCOPE_DESCRIPTIONS } from "./scopes.schema";
import type { TokenRequestBody } from "./token-endpoint";
import { entitlementsOfUser, issueTokens, lacksRequiredRole, mayIssueRefreshToken } from "./tokens";
import type { ApplicationDto } from "@/lib/applications";
import type { TokenResponse } from "./types";

export const DEVICE_CODE_LIFETIME_SECONDS = 600;
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** §3.5: each slow_down adds 5 seconds to the interval, for this and all later requests. */
const SLOW_DOWN_STEP_SECONDS = 5;
/** Requests arriving a little early (network jitter) are not yet "too fast". */
const POLL_TOLERANCE_MS = 500;

/** RFC 8628 §6.1: consonants only (no words can form), so no O or I to mistake for 0 or 1, and no digits at all. */
export const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LENGTH = 8;
const USER_CODE_RE = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);

/** Guesses allowed per signed-in user and per IP (§5.1: brute force of the user code). */
const CODE_ENTRIES_PER_USER = { keyPrefix: "device-code-user", points: 10, durationSeconds: 10 * 60 };
const CODE_ENTRIES_PER_IP = { keyPrefix: "device-code-ip", points: 30, durationSeconds: 10 * 60 };


// --- user codes -----------------------------------------------------------------------------------

function randomUserCode(): string {
  let code = "";
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[crypto.randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** What people type: any case, spaces, dashes. Returns the stored form (8 letters) or null. */
export function normalizeUserCode(input: string): string | null {
  if (input.length > 32) return null;
  const code = input.toUpperCase().replace(/[\s\-‐-―]/g, "");
  return USER_CODE_RE.test(code) ? code : null;
}

/** The form shown to people: XXXX-XXXX. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

// --- §3.1-3.2 device authorization request ------------------------------------------------------

export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export async function startDeviceAuthorization(
  client: ApplicationDto,
  scope: string | undefined,
  ctx: RequestContext,
  now = new Date(),
  /** OIDC Core §3.1.2.1 acr_values, as the authorization endpoint takes them (step-up, transaction value). */
  acrValues?: string,
): Promise<DeviceAuthorizationResponse> {
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT)) throw new OAuthError("unauthorized_client", "this client may not use the device authorization grant");
  if (scope !== undefined && scope.length > 1000) throw new OAuthError("invalid_scope", "the scope is too long");
  const scopes = parseScope(scope);
  if (scopes.length === 0) throw new OAuthError("invalid_scope", "scope is required");
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length) throw new OAuthError("invalid_scope", `unsupported scope: ${unknown.join(" ")}`);
  if (acrValues !== undefined && (acrValues.length > 500 || /[\u0000-\u001f]/.test(acrValues))) throw new OAuthError("invalid_request", "acr_values is malformed");

  const deviceCode = randomToken(32);
  const expiresAt = new Date(now.getTime() + DEVICE_CODE_LIFETIME_SECONDS * 1000);
  let row = null;
  // A collision with a stored user code is unlikely (20^8 codes); draw again if it happens.
  for (let i = 0; i < 5 && !row; i++) {
    row = await insertDeviceAuthorization({
      deviceCodeHash: sha256Hex(deviceCode),
      userCode: randomUserCode(),
      clientId: client.clientId,
      scope: scopes.join(" "),
      acrValues: acrValues?.trim() || null,
      intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
      expiresAt,
    });
  }
  if (!row) throw new OAuthError("server_error", "could not allocate a user code", 500);
  await recordAudit({ actor: { type: "system", id: client.clientId }, action: "oauth.device_authorization_started", target: { type: "device_authorization", id: row.id }, result: "success", context: ctx, details: { clientId: client.clientId, scope: row.scope } });

  const userCode = formatUserCode(row.userCode);
  const verificationUri = `${issuer()}/device`;
  return {
    device_code: deviceCode,
    user_code: userCode,
    verification_uri: verificationUri,
    verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(userCode)}`,
    expires_in: DEVICE_CODE_LIFETIME_SECONDS,
    interval: DEVICE_POLL_INTERVAL_SECONDS,
  };
}

// --- §3.4-3.5 device access token request -------------------------------------------------------

/** Called by the token endpoint for grant_type=urn:ietf:params:oauth:grant-type:device_code. */
export async function exchangeDeviceCode(client: ApplicationDto, body: TokenRequestBody, ctx: RequestContext, now = new Date()): Promise<TokenResponse> {
  if (!body.device_code) throw new OAuthError("invalid_request", "device_code is required");
  if (body.device_code.length > 200) throw new OAuthError("invalid_grant", "the device code is invalid");
  const row = await findDeviceByCodeHash(sha256Hex(body.device_code));
  // Another client's code is as unknown as a made-up one.
  if (!row || row.clientId !== client.clientId) throw new OAuthError("invalid_grant", "the device code is invalid");
  if (row.status === "consumed") throw new OAuthError("invalid_grant", "the device code was already used");
  if (row.expiresAt <= now) throw new OAuthError("expired_token", "the device code has expired; start again");
  if (row.status === "denied") throw new OAuthError("access_denied", "the user denied the request");
  if (row.status === "pending") {
    const tooSoon = row.lastPolledAt !== null && now.getTime() - row.lastPolledAt.getTime() < row.intervalSeconds * 1000 - POLL_TOLERANCE_MS;
    const interval = tooSoon ? row.intervalSeconds + SLOW_DOWN_STEP_SECONDS : row.intervalSeconds;
    await recordDevicePoll(row.id, now, interval);
    if (tooSoon) throw new OAuthError("slow_down", `polling too fast; wait at least ${interval} seconds between requests`);
    throw new OAuthError("authorization_pending", "the user has not yet approved the request");
  }
  // approved
  const userId = row.userId!;
  const [user, entitlements] = await Promise.all([getClaimSource(userId), entitlementsOfUser(client, userId)]);
  if (!user) throw new OAuthError("invalid_grant", "the user is no longer active");
  if (lacksRequiredRole(client, entitlements)) {
    await recordAudit({ actor: { type: "user", id: userId }, action: "oauth.role_required", target: { type: "client", id: client.clientId }, result: "failure", context: ctx, details: { grant: "device_code", deviceAuthorizationId: row.id } });
    throw new OAuthError("access_denied", "the user holds no role of this application");
  }
  // The grant belongs to the browser session that approved it (its auth_time, amr; logout ends it).
  const session = row.sessionId ? (await listSessions(userId)).find((s) => s.id === row.sessionId) : undefined;
  if (!session) throw new OAuthError("access_denied", "the session that approved the request has ended");
  const scopes = parseScope(row.scope);
  return withTransaction(async (tx) => {
    if (!(await consumeDeviceAuthorization(row.id, tx))) throw new OAuthError("invalid_grant", "the device code was already used");
    const grant = await insertGrant({ clientId: client.clientId, userId, sessionId: session.id, scope: row.scope, authTime: session.authTime, amr: session.amr, acr: achievedAcr(session.amr) }, tx);
    const tokens = await issueTokens({
      client,
      grant,
      scopes,
      user,
      entitlements,
      withIdToken: scopes.includes("openid"),
      withRefreshToken: mayIssueRefreshToken(client, scopes),
      now,
      tx,
    });
    await recordAudit({ actor: { type: "user", id: userId }, action: "oauth.tokens_issued", target: { type: "client", id: client.clientId }, result: "success", context: ctx, details: { grant: "device_code", grantId: grant.id, scope: row.scope } }, tx);
    return tokens;
  });
}

// --- §3.3 user interaction (the /device page) ---------------------------------------------------

export interface DeviceRequestView {
  /** Opaque reference for the approval form (the user code is not sent back: it would be a guessing oracle). */
  requestId: string;
  userCode: string;
  clientId: string;
  clientName: string;
  logoUri: string | null;
  firstParty: boolean;
  scopes: { scope: string; description: string }[];
  expiresAt: Date;
}

async function viewOf(row: Awaited<ReturnType<typeof findDeviceById>>, now: Date): Promise<DeviceRequestView | null> {
  if (!row || row.status !== "pending" || row.expiresAt <= now) return null;
  const client = await findClientByClientId(row.clientId);
  if (!client || client.disabled) return null;
  return {
    requestId: row.id,
    userCode: formatUserCode(row.userCode),
    clientId: client.clientId,
    clientName: client.name,
    logoUri: client.logoUri,
    firstParty: client.firstParty,
    scopes: parseScope(row.scope)
      .filter(isKnownScope)
      .map((s) => ({ scope: s, description: SCOPE_DESCRIPTIONS[s] })),
    expiresAt: row.expiresAt,
  };
}

/** The pending request behind a typed user code, or null (unknown, malformed, decided, expired). Not throttled. */
export async function lookupUserCode(input: string, now = new Date()): Promise<DeviceRequestView | null> {
  const code = normalizeUserCode(input);
  if (!code) return null;
  return viewOf(await findDeviceByUserCode(code), now);
}

export type UserCodeEntry =
  | { ok: true; request: DeviceRequestView }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number }
  | { ok: false; reason: "not_found" };

/** A user typed a code: throttled per user and per IP, then looked up. Every entry counts, found or not. */
export async function enterUserCode(input: string, userId: string, ctx: RequestContext): Promise<UserCodeEntry> {
  const waitUser = await consumeLimit(CODE_ENTRIES_PER_USER, userId);
  const waitIp = !waitUser && ctx.ip ? await consumeLimit(CODE_ENTRIES_PER_IP, ctx.ip) : 0;
  const wait = Math.max(waitUser, waitIp);
  if (wait) {
    await recordAudit({ actor: { type: "user", id: userId }, action: "oauth.device_code_throttled", result: "failure", context: ctx, details: { retryAfterSeconds: wait } });
    return { ok: false, reason: "rate_limited", retryAfterSeconds: wait };
  }
  const request = await lookupUserCode(input);
  if (!request) {
    await recordAudit({ actor: { type: "user", id: userId }, action: "oauth.device_code_rejected", result: "failure", context: ctx });
    return { ok: false, reason: "not_found" };
  }
  return { ok: true, request };
}

export interface DeviceApprover {
  /** The browser session's id (the grant's sid). */
  id: string;
  userId: string;
  /** How the session signed in (RFC 8176): a second factor shows as "mfa". */
  amr: string[];
}

/**
 * not_found: unknown, decided or expired. Unmet sign-in requirements, as in the browser flow:
 * sign_in_again (with both factors), set_up_factor (the application requires one and the account
 * has none), unmet_authentication_requirements (acr_values ask for a second factor the account
 * lacks), refused (the risk engine will not let this session approve).
 */
export type DeviceRefusal = "not_found" | "sign_in_again" | "set_up_factor" | "unmet_authentication_requirements" | "refused";
export type DeviceDecision = { ok: true; clientName: string } | { ok: false; reason: DeviceRefusal; clientName?: string; userCode?: string };

/**
 * The user approved the request shown to them. Records consent for third-party applications, so
 * the account's consents page lists (and can withdraw) the device's access.
 */
export async function approveDevice(requestId: string, session: DeviceApprover, ctx: RequestContext, now = new Date()): Promise<DeviceDecision> {
  if (!isUuid(requestId)) return { ok: false, reason: "not_found" };
  const row = await findDeviceById(requestId);
  const view = await viewOf(row, now);
  const client = view && (await findClientByClientId(view.clientId));
  if (!row || !view || !client) return { ok: false, reason: "not_found" };
  const unmet = await unmetSignInRequirement(client, row.acrValues ?? undefined, session, ctx, now);
  if (unmet) {
    await recordAudit({ actor: { type: "user", id: session.userId }, action: "oauth.device_approval_refused", target: { type: "client", id: view.clientId }, result: "failure", context: ctx, details: { deviceAuthorizationId: requestId, reason: unmet } });
    return { ok: false, reason: unmet, clientName: view.clientName, userCode: view.userCode };
  }
  if (!(await decideDeviceAuthorization(requestId, { status: "approved", userId: session.userId, sessionId: session.id }, now))) {
    return { ok: false, reason: "not_found" };
  }
  if (!view.firstParty) await grantConsent(session.userId, view.clientId, view.scopes.map((s) => s.scope), ctx);
  await recordAudit({ actor: { type: "user", id: session.userId }, action: "oauth.device_approved", target: { type: "client", id: view.clientId }, result: "success", context: ctx, details: { deviceAuthorizationId: requestId, scope: view.scopes.map((s) => s.scope).join(" ") } });
  return { ok: true, clientName: view.clientName };
}

/**
 * The browser flow's requirements (authorize.ts) for the approving session: the application's MFA
 * policy and acr_values need a session with a second factor; the risk engine (the application's
 * rules, a transaction value) may ask for one too, or refuse. Null when the session may approve.
 */
async function unmetSignInRequirement(client: ApplicationDto, acrValues: string | undefined, session: DeviceApprover, ctx: RequestContext, now: Date): Promise<DeviceRefusal | null> {
  if (lacksRequiredRole(client, await entitlementsOfUser(client, session.userId))) return "refused";
  const policy = effectiveMfaPolicy(client);
  const risk = await assessAuthorization({ userId: session.userId, clientId: client.clientId, acrValues, ctx, now });
  if (risk.action === "deny" || risk.action === "lock" || risk.action === "reset_password") return "refused";
  const riskWantsMfa = risk.action === "mfa" || risk.action === "strong_mfa";
  if ((multiFactorRequired(acrValues) || policy === "required" || riskWantsMfa) && !session.amr.includes("mfa")) {
    if (await hasSecondFactor(session.userId)) return "sign_in_again";
    return policy === "required" ? "set_up_factor" : "unmet_authentication_requirements";
  }
  return null;
}

export async function denyDevice(requestId: string, session: DeviceApprover, ctx: RequestContext, now = new Date()): Promise<DeviceDecision> {
  if (!isUuid(requestId)) return { ok: false, reason: "not_found" };
  const view = await viewOf(await findDeviceById(requestId), now);
  if (!view) return { ok: false, reason: "not_found" };
  if (!(await decideDeviceAuthorization(requestId, { status: "denied", userId: session.userId, sessionId: session.id }, now))) {
    return { ok: false, reason: "not_found" };
  }
  await recordAudit({ actor: { type: "user", id: session.userId }, action: "oauth.device_denied", target: { type: "client", id: view.clientId }, result: "success", context: ctx, details: { deviceAuthorizationId: requestId } });
  return { ok: true, clientName: view.clientName };
}
