// Server-side session records behind the portal cookie: opaque 256-bit ids, only their SHA-256 stored,
// idle and absolute timeouts, revocable one by one or all at once.
import "server-only";
import crypto from "node:crypto";
import { config } from "@/lib/config";
import { recordAudit, type RequestContext } from "@/lib/audit";
import type { Tx } from "@/lib/db";
import { isRandomToken, isUuid } from "@/lib/formats";
import { SESSION_NOT_FOUND_MESSAGE, SessionError } from "./sessions.errors";
import {
  deleteSessionsEndedBefore,
  findSessionByTokenHash,
  findSessionView,
  addSessionAmr,
  insertSession,
  listActiveSessions,
  listSessionMetadata,
  revokeSessionById,
  revokeSessionOfUser,
  revokeSessionsOfUser,
  touchSession,
} from "./sessions.repo";

/** lastSeenAt is written at most this often, so a busy page does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

const hash = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export interface SessionUser {
  id: string;
  email: string;
  displayName: string | null;
  emailVerified: boolean;
  roles: string[];
}

export interface ActiveSession {
  id: string;
  user: SessionUser;
  createdAt: Date;
  expiresAt: Date;
  /** When the user last authenticated in this session (OIDC auth_time), and how (RFC 8176 amr). */
  authTime: Date;
  amr: string[];
  /** The upstream identity of a federated sign-in (null for any other). */
  linkedIdentityId: string | null;
}

/**
 * `amr`: how the user proved who they are (RFC 8176 values; the ID token's amr), "pwd" by default.
 * `linkedIdentityId`: the upstream identity a federated sign-in came through.
 */
export async function createSession(
  userId: string,
  ctx: RequestContext,
  tx?: Tx,
  opts: { amr?: string[]; linkedIdentityId?: string | null } = {},
): Promise<{ token: string; id: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + config().SESSION_MAX_MINUTES * 60_000);
  const s = await insertSession(
    { tokenHash: hash(token), userId, expiresAt, ip: ctx.ip?.slice(0, 64), userAgent: ctx.userAgent?.slice(0, 512), ...(opts.amr ? { amr: opts.amr } : {}), linkedIdentityId: opts.linkedIdentityId ?? null },
    tx,
  );
  return { token, id: s.id, expiresAt };
}

/** The session for a cookie token, or null when unknown, revoked, idle too long, past its end, or the user is disabled. */
export async function validateSession(token: string, now = new Date()): Promise<ActiveSession | null> {
  if (!isRandomToken(token)) return null;
  const s = await findSessionView(hash(token));
  if (!s || s.revokedAt || s.expiresAt <= now || s.disabledAt) return null;
  const idleLimit = s.lastSeenAt.getTime() + config().SESSION_IDLE_MINUTES * 60_000;
  if (idleLimit <= now.getTime()) return null;
  if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await touchSession(s.id, now);
  return {
    id: s.id,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    authTime: s.authTime,
    amr: s.amr,
    linkedIdentityId: s.linkedIdentityId,
    user: {
      id: s.userId,
      email: s.email,
      displayName: s.displayName,
      emailVerified: Boolean(s.emailVerifiedAt),
      roles: s.roles,
    },
  };
}

export async function endSession(token: string, ctx: RequestContext): Promise<void> {
  const s = await findSessionByTokenHash(hash(token));
  if (!s) return;
  const revoked = await revokeSessionById(s.id, "logout", new Date());
  if (revoked) {
    await recordAudit({ actor: { type: "user", id: s.userId }, action: "session.ended", target: { type: "session", id: s.id }, result: "success", context: ctx });
  }
}

/**
 * A factor proven inside a live session (enrolling one confirms a code) makes it a multi-factor
 * session from then on: RFC 8176 methods are added, in order, without repeats.
 */
export async function addAuthenticationMethods(sessionId: string, methods: string[], ctx: RequestContext): Promise<void> {
  const amr = await addSessionAmr(sessionId, methods);
  if (amr) await recordAudit({ actor: { type: "system" }, action: "session.amr_raised", target: { type: "session", id: sessionId }, result: "success", context: ctx, details: { amr } });
}

/** Revokes every session of a user (password reset, account lock), optionally keeping one. */
export async function revokeAllSessions(userId: string, reason: string, opts: { exceptId?: string; tx?: Tx } = {}): Promise<number> {
  return revokeSessionsOfUser(userId, reason, new Date(), opts.exceptId, opts.tx);
}

export function listSessions(userId: string) {
  return listActiveSessions(userId, new Date());
}

export { SessionError, type SessionErrorCode } from "./sessions.errors";

/** What the owner sees of one of their sessions (never its token hash). */
export interface OwnSession {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

/** The user's live sessions, most recently active first. */
export async function sessionsOfOwner(userId: string, now = new Date()): Promise<OwnSession[]> {
  const rows = await listActiveSessions(userId, now);
  const idleSince = now.getTime() - config().SESSION_IDLE_MINUTES * 60_000;
  // Idle past the timeout is as good as ended (validateSession refuses it): not listed.
  return rows.filter((s) => s.lastSeenAt.getTime() > idleSince).map((s) => ({ id: s.id, ip: s.ip, userAgent: s.userAgent, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt }));
}

/**
 * The owner ends one of their own sessions (the portal's session list), in the caller's
 * transaction. The ownership is the query's condition, not a check before it: a session of
 * someone else, an unknown or malformed id and an ended session are refused alike, and throwing
 * rolls back what the caller did with it in `tx`.
 */
export async function endSessionOfOwner(ownerId: string, sessionId: string, reason: string, ctx: RequestContext, tx: Tx, now = new Date()): Promise<void> {
  const ended = isUuid(sessionId) ? await revokeSessionOfUser(ownerId, sessionId, reason, now, tx) : 0;
  if (!ended) throw new SessionError("session_not_found", SESSION_NOT_FOUND_MESSAGE);
  await recordAudit({ actor: { type: "user", id: ownerId }, action: "session.ended", target: { type: "session", id: sessionId }, result: "success", context: ctx, details: { reason } }, tx);
}

export interface SessionRecordView {
  startedAt: Date;
  lastActiveAt: Date;
  expiresAt: Date;
  /** When it was signed out or revoked; null while it lasts. */
  endedAt: Date | null;
  ip: string | null;
  userAgent: string | null;
}

/** Every session the user has, live or recently ended (purgeEndedSessions), for their copy of their data: never the token hash. */
export async function sessionsForExport(userId: string): Promise<SessionRecordView[]> {
  const rows = await listSessionMetadata(userId);
  return rows.map((s) => ({ startedAt: s.createdAt, lastActiveAt: s.lastSeenAt, expiresAt: s.expiresAt, endedAt: s.revokedAt, ip: s.ip, userAgent: s.userAgent }));
}

/** Days an ended session (revoked, or past its absolute end) is kept: the owner's recent history, then deleted. */
export const ENDED_SESSION_RETENTION_DAYS = 7;
const PURGE_BATCH_SIZE = 1000;
const PURGE_MAX_BATCHES = 20;

/**
 * The janitor's purge of sessions ended more than ENDED_SESSION_RETENTION_DAYS ago (data
 * minimisation and storage limitation, GDPR art. 5(1)(c), (e)), in bounded batches so one pass
 * never holds a long transaction: at most batchSize × maxBatches rows (20,000), the rest at the
 * next pass. Returns how many were deleted.
 */
export async function purgeEndedSessions(now = new Date(), { batchSize = PURGE_BATCH_SIZE, maxBatches = PURGE_MAX_BATCHES } = {}): Promise<number> {
  const cutoff = new Date(now.getTime() - ENDED_SESSION_RETENTION_DAYS * 24 * 3600_000);
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const n = await deleteSessionsEndedBefore(cutoff, batchSize);
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}
