// One sign-in through the risk engine: gather the facts (history, device, lists, velocity,
// location), run the pure pipeline, store the decision with its reasons, audit it, alert on high
// risk. The caller acts on the decision and reports how the sign-in ended (completeAssessment),
// which makes it part of the history the next decision compares with.
import "server-only";
import crypto from "node:crypto";
import { recentSignInFailures, type RequestContext } from "@/lib/audit";
import { config } from "@/lib/config";
import { normaliseIp, userAgentFamily } from "@/lib/formats";
import { isCommonPassword } from "@/lib/credentials";
import { getUserProfile } from "@/lib/users";
import { raiseRiskAlert } from "./alerts";
import { passwordSha1 } from "./compromised";
import { placeOf } from "./geo";
import { deviceHashOf } from "./device";
import { locateIp } from "./geoip";
import { ipListOf } from "./ip-lists";
import { evaluateRisk, type RiskEvaluation } from "./pipeline";
import { currentPolicy } from "./policy-store";
import { accountFacts, closeAbandonedAssessments, insertAssessment, refuseAssessmentRow, succeedAssessmentRow } from "./risk.repo";
import type { GeoPoint, RiskAction, RiskBand, SignInFacts } from "./risk.types";

const HISTORY = 50;
const VELOCITY_MINUTES = 15;
/** acr_values entry with which an application passes the transaction's value: urn:portico:txn:value:2500. */
export const TRANSACTION_VALUE_ACR = "urn:portico:txn:value:";

export interface SignInAttempt {
  userId: string;
  method: SignInFacts["method"];
  ctx: RequestContext;
  /** The browser's device cookie, as sent. */
  deviceCookie: string | null | undefined;
  /** The password typed (password sign-ins), checked against the compromised lists. */
  password?: string;
  /** Where the sign-in continues: an /oauth2/authorize URL names the application and may carry a transaction value. */
  next?: string;
  /**
   * The application the sign-in is for, when the caller knows it better than `next` says (an OIDC
   * sign-in continues to /oauth2/authorize?interaction=…: the stored request names client and acr_values).
   */
  application?: { clientId: string | null; acrValues?: string };
  now?: Date;
}

export interface Assessment {
  id: string;
  action: RiskAction;
  band: RiskBand;
  score: number;
  explanation: string;
}

/** The application and transaction value in the authorization request the sign-in continues. */
export function applicationContext(next: string | undefined): { clientId: string | null; transactionValue: number | null } {
  if (!next) return { clientId: null, transactionValue: null };
  let url: URL;
  try {
    url = new URL(next, config().publicUrl);
  } catch {
    return { clientId: null, transactionValue: null };
  }
  if (url.pathname !== "/oauth2/authorize") return { clientId: null, transactionValue: null };
  return { clientId: url.searchParams.get("client_id")?.slice(0, 200) || null, transactionValue: transactionValueOf(url.searchParams.get("acr_values") ?? undefined) };
}

/** The transaction value in acr_values (urn:portico:txn:value:2500), or null. */
export function transactionValueOf(acrValues: string | undefined): number | null {
  const value = (acrValues ?? "")
    .split(" ")
    .find((v) => v.startsWith(TRANSACTION_VALUE_ACR))
    ?.slice(TRANSACTION_VALUE_ACR.length);
  return value && /^\d{1,12}(\.\d{1,4})?$/.test(value) ? Number(value) : null;
}

export async function assessSignIn(attempt: SignInAttempt): Promise<Assessment> {
  const now = attempt.now ?? new Date();
  const ip = attempt.ctx.ip ? normaliseIp(attempt.ctx.ip) : null;
  const family = userAgentFamily(attempt.ctx.userAgent);
  const deviceHash = deviceHashOf(attempt.deviceCookie);
  const app = attempt.application
    ? { clientId: attempt.application.clientId?.slice(0, 200) ?? null, transactionValue: transactionValueOf(attempt.application.acrValues) }
    : applicationContext(attempt.next);
  const password = attempt.password;
  const [known, failures, ipList, policy] = await Promise.all([
    accountFacts(attempt.userId, HISTORY, deviceHash ? { hash: deviceHash, userAgentFamily: family } : null, password && !isCommonPassword(password) ? passwordSha1(password) : null),
    recentSignInFailures(attempt.userId, ip, VELOCITY_MINUTES, now),
    ipListOf(ip),
    currentPolicy(),
  ]);
  const { history, knownDevice } = known;
  const compromised = Boolean(password && (isCommonPassword(password) || known.compromised));
  const geo = locateIp(ip);
  const last = history[0];
  const facts: SignInFacts = {
    at: now,
    method: attempt.method,
    ip,
    geo,
    ipList,
    knownDevice,
    userAgentFamily: family,
    previous: last ? { at: last.createdAt, geo: geoOf(last) } : null,
    successCount: history.length,
    hourHistory: history.map((h) => h.createdAt.getUTCHours() + h.createdAt.getUTCMinutes() / 60),
    failures,
    compromisedPassword: compromised,
    transactionValue: app.transactionValue,
    clientId: app.clientId,
  };
  return record(attempt.userId, facts, evaluateRisk(facts, policy.settings, policy.rules), attempt.ctx, now, { deviceHash });
}

/** Stores the decision with its reasons, audits it, alerts on high risk. */
async function record(userId: string, facts: SignInFacts, r: RiskEvaluation, ctx: RequestContext, now: Date, opts: { deviceHash?: string | null; refresh?: boolean; stepUp?: boolean }): Promise<Assessment> {
  const terminal = r.action === "deny" || r.action === "lock";
  const geo = facts.geo;
  const ip = facts.ip;
  // The id is made here so the row and its audit event are written in one statement.
  const id = crypto.randomUUID();
  await insertAssessment(id, {
    userId,
    clientId: facts.clientId,
    method: facts.method,
    ip,
    country: geo?.country ?? null,
    city: geo?.city?.slice(0, 100) ?? null,
    latitude: geo?.lat ?? null,
    longitude: geo?.lon ?? null,
    deviceHash: opts.deviceHash ?? null,
    userAgentFamily: facts.userAgentFamily,
    score: r.score,
    band: r.band,
    action: r.action,
    signals: r.signals,
    features: r.features,
    matchedRules: r.matchedRules,
    explanation: r.explanation.slice(0, 1000),
    // A refresh is decided on the spot and never becomes sign-in history.
    outcome: opts.stepUp ? "step_up" : terminal || opts.refresh ? (r.action === "allow" ? "refresh" : "refused") : "pending",
    createdAt: now,
    completedAt: terminal || opts.refresh || opts.stepUp ? now : null,
  }, {
    actor: { type: "system" },
    action: "risk.assessed",
    target: { type: "user", id: userId },
    result: r.action === "allow" ? "success" : "failure",
    context: ctx,
    // method, country and clientId feed the analytics rollup (lib/analytics) from this same row.
    details: { assessmentId: id, score: r.score, band: r.band, action: r.action, signals: r.signals.map((s) => s.code), rules: r.matchedRules, explanation: r.explanation, method: facts.method, country: geo?.country ?? null, clientId: facts.clientId ?? null },
  });
  if (r.band === "high" || terminal) {
    const account = await getUserProfile(userId);
    await raiseRiskAlert({ assessmentId: id, userId, ip, geo, score: r.score, band: r.band, action: r.action, explanation: r.explanation, at: now }, account?.email);
  }
  return { id, action: r.action, band: r.band, score: r.score, explanation: r.explanation };
}

/**
 * A refresh of tokens that carry a high-value scope (settings.highValueScopes). Nobody is there to
 * answer a second factor, so anything but "allow" refuses the refresh and the application sends
 * the user through sign-in again. The address means something only for public clients (a browser
 * or an app calls the token endpoint itself); a confidential client's is its own server's, so its
 * refreshes are judged on the account's failure velocity and the rules alone. Refreshes never join
 * the sign-in history.
 */
export async function assessTokenRefresh(input: { userId: string; clientId: string; publicClient: boolean; scopes: string[]; ctx: RequestContext; now?: Date }): Promise<Assessment | null> {
  const policy = await currentPolicy();
  if (!input.scopes.some((s) => policy.settings.highValueScopes.includes(s))) return null;
  const now = input.now ?? new Date();
  const ip = input.publicClient && input.ctx.ip ? normaliseIp(input.ctx.ip) : null;
  const facts = await knownSessionFacts({ userId: input.userId, clientId: input.clientId, method: "refresh", ip, userAgent: input.ctx.userAgent, transactionValue: null, now });
  return record(input.userId, facts, evaluateRisk(facts, policy.settings, policy.rules), input.ctx, now, { refresh: true });
}

/**
 * A browser that is already signed in authorizes an application (single sign-on): no new sign-in,
 * so the engine has not yet seen this application's context. Its rules, a transaction value in
 * acr_values and the address's standing apply now. Only a decision other than "allow" is stored
 * (and audited), as "step_up": the caller then asks for a new sign-in, which is assessed in full.
 */
export async function assessAuthorization(input: { userId: string; clientId: string; acrValues?: string; ctx: RequestContext; now?: Date }): Promise<{ action: RiskAction; id: string | null }> {
  const policy = await currentPolicy();
  const now = input.now ?? new Date();
  const ip = input.ctx.ip ? normaliseIp(input.ctx.ip) : null;
  const facts = await knownSessionFacts({ userId: input.userId, clientId: input.clientId, method: "sso", ip, userAgent: input.ctx.userAgent, transactionValue: transactionValueOf(input.acrValues), now });
  const r = evaluateRisk(facts, policy.settings, policy.rules);
  if (r.action === "allow") return { action: "allow", id: null };
  const stored = await record(input.userId, facts, r, input.ctx, now, { stepUp: true });
  return { action: stored.action, id: stored.id };
}

/**
 * The facts of a request on behalf of someone already signed in (a token refresh, single sign-on):
 * no password was typed and the device is the session's own, so only the place, the address's
 * standing, the account's failures and the application's context can raise the score.
 */
async function knownSessionFacts(input: {
  userId: string;
  clientId: string;
  method: "refresh" | "sso";
  ip: string | null;
  userAgent: string | undefined;
  transactionValue: number | null;
  now: Date;
}): Promise<SignInFacts> {
  const [known, failures, ipList] = await Promise.all([accountFacts(input.userId, 1, null, null), recentSignInFailures(input.userId, input.ip, VELOCITY_MINUTES, input.now), ipListOf(input.ip)]);
  const last = known.history[0];
  return {
    at: input.now,
    method: input.method,
    ip: input.ip,
    geo: locateIp(input.ip),
    ipList,
    knownDevice: true,
    userAgentFamily: userAgentFamily(input.userAgent),
    previous: last ? { at: last.createdAt, geo: geoOf(last) } : null,
    successCount: known.history.length,
    hourHistory: [],
    failures,
    compromisedPassword: false,
    transactionValue: input.transactionValue,
    clientId: input.clientId,
  };
}

function geoOf(row: { country: string | null; city: string | null; latitude: number | null; longitude: number | null }): GeoPoint | null {
  if (!row.country || row.latitude === null || row.longitude === null) return null;
  return { country: row.country, city: row.city ?? undefined, lat: row.latitude, lon: row.longitude };
}

/**
 * The sign-in succeeded: it joins the account's history, and its browser becomes a known device.
 * `firstFromDevice`: the account had signed in before, but never from this browser (the owner is
 * told, with `device`, `place` and `at`).
 */
export async function completeAssessment(
  id: string,
  device: { hash: string; userAgent: string | null | undefined },
  now = new Date(),
): Promise<{ firstFromDevice: boolean; device: string; place: string; at: Date }> {
  const family = userAgentFamily(device.userAgent);
  const row = await succeedAssessmentRow(id, device.hash, family, now);
  if (!row) return { firstFromDevice: false, device: family, place: "", at: now };
  const inserted = row.newDevice;
  const place = placeOf(row) ?? row.ip ?? "an unknown place";
  // The assessment's new_device feature: the account had history, and this browser was not in it.
  const newToAccount = (row.features as { new_device?: boolean } | null)?.new_device === true;
  return { firstFromDevice: inserted && newToAccount, device: family, place, at: row.createdAt };
}

/** For the janitor: assessments left pending for an hour belong to abandoned sign-ins. */
export function closeAbandonedSignIns(now = new Date()): Promise<number> {
  return closeAbandonedAssessments(new Date(now.getTime() - 3600_000), now);
}

/** The sign-in did not finish (abandoned second step, refused): it stays out of the history. */
export async function refuseAssessment(id: string, now = new Date()): Promise<void> {
  await refuseAssessmentRow(id, now);
}
