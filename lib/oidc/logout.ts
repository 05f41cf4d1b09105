// Ending sessions towards the applications.
// - Back-channel logout (OpenID Connect Back-Channel Logout 1.0 §2.4-2.5): when a Portico session
//   ends, every client that holds a grant made in it and registered a backchannel_logout_uri gets a
//   logout token (typ logout+jwt, sid + sub, the logout event, never a nonce) POSTed through the
//   outbound outbox (retried, §2.8). The session's grants are revoked, except offline_access ones:
//   those were granted to outlive the browser session.
// - RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2-3): validates id_token_hint
//   (Portico-signed, expired allowed), client_id and post_logout_redirect_uri (exact match against
//   the client's registration, §3; otherwise never redirect), and decides whether to sign out at
//   once (the hint names the current session) or to ask the user first (§2: logout CSRF). Without
//   a valid hint the browser is never sent on to the client's URI without a click on Portico's page:
//   client_id and a registered URI alone would make Portico an open redirector for any client.
//   The hint must be an ID token (JOSE typ "JWT" as Portico signs them): access tokens (at+jwt) and
//   logout tokens (logout+jwt) carry sub and aud too, and are refused.
import "server-only";
import { z } from "zod";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findClientByClientId } from "@/lib/applications";
import { decryptAtRest, encryptAtRest, randomToken } from "@/lib/crypto";
import { signJwt, verifyJwt } from "@/lib/keys";
import { isUuid } from "@/lib/formats";
import { enqueueHttpDelivery } from "@/lib/outbound";
import { kickOutbox } from "@/lib/outbox";
import { endSession, validateSession } from "@/lib/sessions";
import { issuer } from "./issuer";
import { findGrantsOfSession, findSessionIdsWithGrantsOfUser, revokeGrantById, revokeGrantsOfUser, withTransaction, type Tx } from "./oidc.repo";
import { parseScope } from "./scopes.schema";

export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
/** The JOSE typ Portico signs ID tokens with (tokens.ts); access tokens are at+jwt (RFC 9068). */
const ID_TOKEN_TYP = "JWT";
/** Back-Channel Logout 1.0 §4: logout tokens should expire within two minutes. */
export const LOGOUT_TOKEN_LIFETIME_SECONDS = 120;

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

// --- back-channel logout ------------------------------------------------------------------------

export interface BackchannelResult {
  /** client_ids a logout token was queued for. */
  notified: string[];
  revokedGrants: number;
}

/**
 * Every session of the user ended at once (password reset, account lock): tell each session's
 * clients, as if the user had signed out of each.
 */
export async function backchannelLogoutUser(userId: string, ctx: RequestContext): Promise<number> {
  let notified = 0;
  for (const sessionId of await findSessionIdsWithGrantsOfUser(userId)) {
    notified += (await backchannelLogout(sessionId, ctx)).notified.length;
  }
  return notified;
}

/** A session's grants and the logout tokens for its clients, read and signed before any write. */
export interface SessionLogout {
  sessionId: string;
  grants: Awaited<ReturnType<typeof findGrantsOfSession>>;
  deliveries: { clientId: string; url: string; token: string }[];
}

/** What cutting the user's applications off will do, prepared outside the transaction that does it. */
export interface ApplicationsCutOff {
  userId: string;
  sessions: SessionLogout[];
  /** The session whose grants stay (a password changed inside it): its applications keep working. */
  keepSessionId?: string;
}

export async function prepareApplicationsCutOff(userId: string, now = new Date(), opts: { keepSessionId?: string } = {}): Promise<ApplicationsCutOff> {
  const sessions: SessionLogout[] = [];
  for (const sessionId of await findSessionIdsWithGrantsOfUser(userId, opts.keepSessionId)) sessions.push(await prepareSessionLogout(sessionId, now));
  return { userId, sessions, ...(opts.keepSessionId ? { keepSessionId: opts.keepSessionId } : {}) };
}

/**
 * The account may be in someone else's hands: every application is told its sessions ended, then
 * every grant goes, offline_access included, so no refresh token survives (all but those made in
 * `keepSessionId`, when the owner acts from that session: a password change). Inside the caller's
 * transaction (lib/sign-in signs out everywhere with it); the caller kicks the outbound worker once
 * it commits.
 */
export async function cutOffApplicationsIn(cutOff: ApplicationsCutOff, reason: string, ctx: RequestContext, tx: Tx): Promise<{ notified: number; revokedGrants: number }> {
  let notified = 0;
  for (const s of cutOff.sessions) if (s.grants.length) notified += (await recordSessionLogout(s, ctx, tx)).notified.length;
  const revokedGrants = await revokeGrantsOfUser(cutOff.userId, reason, tx, cutOff.keepSessionId);
  const kept = cutOff.keepSessionId ? { keptSession: cutOff.keepSessionId } : {};
  await recordAudit({ actor: { type: "system" }, action: "oauth.grants_revoked", target: { type: "user", id: cutOff.userId }, result: "success", context: ctx, details: { reason, revokedGrants, notified, ...kept } }, tx);
  return { notified, revokedGrants };
}

/** Tells the session's clients it ended, and revokes its grants (offline_access excepted). */
export async function backchannelLogout(sessionId: string, ctx: RequestContext, now = new Date()): Promise<BackchannelResult> {
  const logout = await prepareSessionLogout(sessionId, now);
  if (logout.grants.length === 0) return { notified: [], revokedGrants: 0 };
  const done = await withTransaction((tx) => recordSessionLogout(logout, ctx, tx));
  if (done.notified.length) kickOutbox();
  return done;
}

/**
 * One session's logout, signed before the transaction that records it (endSessionApplicationsIn).
 * With `userId`, only that user's grants: a session id someone else names yields nothing to sign.
 */
export async function prepareSessionLogout(sessionId: string, now = new Date(), opts: { userId?: string } = {}): Promise<SessionLogout> {
  // An id from a form is checked for its shape before any query (PostgreSQL rejects a malformed uuid).
  if (!isUuid(sessionId)) return { sessionId, grants: [], deliveries: [] };
  const grants = await findGrantsOfSession(sessionId, opts.userId);
  // One token per client, however many grants it holds in the session (§2.5: one request per RP).
  const deliveries: SessionLogout["deliveries"] = [];
  const byClient = new Map<string, string>(); // clientId -> sub
  for (const g of grants) if (g.userId && !byClient.has(g.clientId)) byClient.set(g.clientId, g.userId);
  for (const [clientId, sub] of byClient) {
    const client = await findClientByClientId(clientId);
    if (!client || client.disabled || !client.backchannelLogoutUri) continue;
    const iat = epoch(now);
    const token = await signJwt(
      {
        iss: issuer(),
        aud: client.clientId,
        iat,
        exp: iat + LOGOUT_TOKEN_LIFETIME_SECONDS,
        jti: randomToken(18),
        sub,
        sid: sessionId,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      },
      // The RP verifies with the alg it registered for ID tokens: the same key type serves here.
      { alg: client.idTokenSignedResponseAlg, typ: "logout+jwt", now },
    );
    deliveries.push({ clientId, url: client.backchannelLogoutUri, token });
  }
  return { sessionId, grants, deliveries };
}

/** A session ended inside the caller's transaction: its grants and logout tokens (the caller kicks the outbox once it commits). */
export async function endSessionApplicationsIn(logout: SessionLogout, ctx: RequestContext, tx: Tx): Promise<BackchannelResult> {
  if (logout.grants.length === 0) return { notified: [], revokedGrants: 0 };
  return recordSessionLogout(logout, ctx, tx);
}

/** Revokes the session's grants (offline_access excepted) and queues its logout tokens, in `tx`. */
async function recordSessionLogout(logout: SessionLogout, ctx: RequestContext, tx: Tx): Promise<BackchannelResult> {
  const { sessionId, grants, deliveries } = logout;
  const toRevoke = grants.filter((g) => !parseScope(g.scope).includes("offline_access"));
  let count = 0;
  for (const g of toRevoke) if (await revokeGrantById(g.id, "logout", tx)) count++;
  for (const d of deliveries) {
    await enqueueHttpDelivery(
      { kind: "backchannel_logout", url: d.url, contentType: "application/x-www-form-urlencoded", body: new URLSearchParams({ logout_token: d.token }).toString() },
      tx,
    );
  }
  await recordAudit(
    {
      actor: { type: "system" },
      action: "oauth.backchannel_logout",
      target: { type: "session", id: sessionId },
      result: "success",
      context: ctx,
      details: { notified: deliveries.map((d) => d.clientId), grantsRevoked: count, grantsKept: grants.length - toRevoke.length },
    },
    tx,
  );
  return { notified: deliveries.map((d) => d.clientId), revokedGrants: count };
}

/**
 * Portico's own sign-out and the end of RP-initiated logout: ends the session behind the cookie
 * token, then notifies its clients. A failing notification never undoes or blocks the sign-out.
 * Returns the session that ended (null when the token named no live session), with the upstream
 * identity it was signed in through, if any.
 */
export async function endUserSession(sessionToken: string, ctx: RequestContext): Promise<EndedSession | null> {
  const session = await validateSession(sessionToken);
  await endSession(sessionToken, ctx);
  if (!session) return null;
  try {
    await backchannelLogout(session.id, ctx);
  } catch (e) {
    console.error(`[oidc] back-channel logout for session ${session.id} failed`, e);
  }
  return { id: session.id, userId: session.user.id, linkedIdentityId: session.linkedIdentityId };
}

export interface EndedSession {
  id: string;
  userId: string;
  linkedIdentityId: string | null;
}

// --- RP-initiated logout -------------------------------------------------------------------------

const str = (max: number) => z.string().max(max).optional();
export const rpLogoutParamsSchema = z.object({
  id_token_hint: str(8192),
  logout_hint: str(254),
  client_id: str(100),
  post_logout_redirect_uri: str(2000),
  state: str(2000),
  ui_locales: str(100),
});
export type RpLogoutParams = z.infer<typeof rpLogoutParamsSchema>;

/** Why a logout request is refused (shown on Portico's page; the browser is never redirected). */
export type RpLogoutErrorReason =
  | "malformed_request"
  | "invalid_id_token_hint"
  | "client_mismatch"
  | "unknown_client"
  | "unregistered_post_logout_redirect_uri"
  | "post_logout_redirect_uri_without_client";

/** A validated request: what to show on the confirmation page and where to go afterwards. */
export interface RpLogoutRequest {
  clientId?: string;
  clientName?: string;
  postLogoutRedirectUri?: string;
  state?: string;
  /** A valid id_token_hint came with it: the redirect may follow without a click. */
  hinted?: true;
}

export interface RpLogoutSession {
  id: string;
  userId: string;
}

export type RpLogoutOutcome =
  | { kind: "error"; reason: RpLogoutErrorReason }
  /** No Portico session in this browser: nothing to end; go on to the redirect (or the signed-out page). */
  | { kind: "signed_out"; request: RpLogoutRequest }
  /** The hint names this browser's session: end it without asking. */
  | { kind: "logout"; request: RpLogoutRequest }
  /** Ask the user (the request may be forged, or be about another session). */
  | { kind: "confirm"; request: RpLogoutRequest };

/** The aud of an ID token we issued: a single client_id (we always issue a string). */
function audienceOf(aud: unknown): string | null {
  if (typeof aud === "string") return aud;
  if (Array.isArray(aud) && aud.length === 1 && typeof aud[0] === "string") return aud[0];
  return null;
}

/** Validates an end_session_endpoint request (GET query or POST form) against the browser's session. */
export async function validateRpLogout(raw: Record<string, string>, session: RpLogoutSession | null, now = new Date()): Promise<RpLogoutOutcome> {
  const parsed = rpLogoutParamsSchema.safeParse(raw);
  if (!parsed.success) return { kind: "error", reason: "malformed_request" };
  const p = parsed.data;
  // RFC 6749 §3.1 conventions: an empty parameter is an absent one.
  const hint = p.id_token_hint || undefined;
  let clientId = p.client_id || undefined;
  const redirectUri = p.post_logout_redirect_uri || undefined;

  let claims: { sub?: string; sid?: string } | null = null;
  if (hint) {
    try {
      // §2: the OP need not care that the hint expired; its signature, issuer and type must hold.
      const verified = await verifyJwt(hint, { issuer: issuer(), typ: ID_TOKEN_TYP, allowExpired: true, now });
      const aud = audienceOf(verified.payload.aud);
      if (!aud || typeof verified.payload.sub !== "string") return { kind: "error", reason: "invalid_id_token_hint" };
      // §2: client_id, when also given, must be the client the ID token was issued to.
      if (clientId && clientId !== aud) return { kind: "error", reason: "client_mismatch" };
      clientId = aud;
      claims = { sub: verified.payload.sub, sid: typeof verified.payload.sid === "string" ? verified.payload.sid : undefined };
    } catch {
      return { kind: "error", reason: "invalid_id_token_hint" };
    }
  }

  const request: RpLogoutRequest = claims ? { hinted: true } : {};
  if (clientId) {
    const client = await findClientByClientId(clientId);
    if (!client || client.disabled) return { kind: "error", reason: "unknown_client" };
    request.clientId = client.clientId;
    request.clientName = client.name;
    if (redirectUri) {
      // §3: exact match with a registered value, never a prefix or a pattern.
      if (!client.postLogoutRedirectUris.includes(redirectUri)) return { kind: "error", reason: "unregistered_post_logout_redirect_uri" };
      request.postLogoutRedirectUri = redirectUri;
      if (p.state !== undefined) request.state = p.state;
    }
  } else if (redirectUri) {
    return { kind: "error", reason: "post_logout_redirect_uri_without_client" };
  }

  // No session to end; still, without a hint, only a click on Portico's page leads to the client's URI.
  if (!session) return { kind: request.postLogoutRedirectUri && !request.hinted ? "confirm" : "signed_out", request };
  // Without a sid, the subject is the best the hint can say: the same user in this browser.
  const sameSession = claims && (claims.sid ? claims.sid === session.id : claims.sub === session.userId);
  return { kind: sameSession ? "logout" : "confirm", request };
}

/** Where the browser goes after logout: the registered URI with state (§3), or null for Portico's page. */
export function postLogoutRedirect(request: RpLogoutRequest): string | null {
  if (!request.postLogoutRedirectUri) return null;
  const url = new URL(request.postLogoutRedirectUri);
  if (request.state !== undefined) url.searchParams.set("state", request.state);
  return url.toString();
}

const SEAL_PURPOSE = "rp-logout-request";
const SEALED_LIFETIME_MS = 10 * 60_000;
const PARAMS_SEAL_PURPOSE = "rp-logout-params";
const PARAMS_LIFETIME_MS = 60_000;

/**
 * A logout request POSTed by an RP arrives without the session cookie (SameSite=Lax withholds it
 * on cross-site POSTs), so the endpoint re-enters itself with a GET, which carries the cookie. The
 * parameters travel sealed, keeping the id_token_hint out of URLs and logs. Sealing grants nothing:
 * the opened parameters are validated exactly like a direct GET's.
 */
export function sealRpLogoutParams(raw: Record<string, string>, now = new Date()): string {
  return encryptAtRest(JSON.stringify({ p: raw, exp: now.getTime() + PARAMS_LIFETIME_MS }), PARAMS_SEAL_PURPOSE);
}

export function openRpLogoutParams(sealed: string, now = new Date()): Record<string, string> | null {
  if (sealed.length > 16_384) return null;
  try {
    const data = z.object({ p: z.record(z.string(), z.string()), exp: z.number() }).parse(JSON.parse(decryptAtRest(sealed, PARAMS_SEAL_PURPOSE)));
    return data.exp > now.getTime() ? data.p : null;
  } catch {
    return null;
  }
}

/**
 * Carries a validated request to the confirmation page and its form without server-side state:
 * encrypted and authenticated (AES-GCM), so it can be neither read nor altered, and short-lived.
 */
export function sealRpLogoutRequest(request: RpLogoutRequest, now = new Date()): string {
  return encryptAtRest(JSON.stringify({ ...request, exp: now.getTime() + SEALED_LIFETIME_MS }), SEAL_PURPOSE);
}

const sealedSchema = z.object({
  clientId: z.string().optional(),
  clientName: z.string().optional(),
  postLogoutRedirectUri: z.string().optional(),
  state: z.string().optional(),
  hinted: z.literal(true).optional(),
  exp: z.number(),
});

/** The sealed request, re-checked against the client's current registration; null when invalid or stale. */
export async function openRpLogoutRequest(sealed: string, now = new Date()): Promise<RpLogoutRequest | null> {
  if (sealed.length > 8192) return null;
  let data: z.infer<typeof sealedSchema>;
  try {
    data = sealedSchema.parse(JSON.parse(decryptAtRest(sealed, SEAL_PURPOSE)));
  } catch {
    return null;
  }
  if (data.exp <= now.getTime()) return null;
  const { exp: _exp, ...request } = data;
  if (request.clientId) {
    const client = await findClientByClientId(request.clientId);
    if (!client || client.disabled) return null;
    if (request.postLogoutRedirectUri && !client.postLogoutRedirectUris.includes(request.postLogoutRedirectUri)) return null;
  } else if (request.postLogoutRedirectUri) {
    return null;
  }
  return request;
}

/** Ends the browser's session for an RP-initiated logout and records which client asked; returns the session ended. */
export async function completeRpLogout(sessionToken: string | null, request: RpLogoutRequest, ctx: RequestContext): Promise<EndedSession | null> {
  const ended = sessionToken ? await endUserSession(sessionToken, ctx) : null;
  if (ended) {
    await recordAudit({ actor: { type: "user", id: ended.userId }, action: "oauth.rp_logout", target: { type: "session", id: ended.id }, result: "success", context: ctx, details: { clientId: request.clientId ?? null } });
  }
  return ended;
}
