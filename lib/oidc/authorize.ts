// Authorization endpoint (RFC 6749 §4.1.1-4.1.2, OIDC Core §3.1.2, RFC 7636, RFC 9207, OAuth 2.0
// Form Post Response Mode). Decides, for one request and the browser's session, whether to sign the
// user in, ask for consent, or answer the client, and with what. Plain input in, outcome out.
import "server-only";
import crypto, { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findClientByClientId, matchRedirectUri } from "@/lib/applications";
import { OAuthError, UnsafeRedirectError } from "./oidc.errors";
import { S256_CHALLENGE } from "./pkce";
import { isKnownScope, parseScope } from "./scopes.schema";
import { issuer } from "./issuer";
import {
  bindInteractionUser,
  deleteInteraction,
  findConsent,
  findInteraction,
  insertGrantWithCode,
  insertInteraction,
  recordInteractionDecision,
  type StoredInteraction,
} from "./oidc.repo";
import { grantConsent } from "./consent";
import { achievedAcr, multiFactorRequired } from "./acr";
import { hasSecondFactor, shouldOfferEnrolment } from "@/lib/factors";
import { assessAuthorization } from "@/lib/risk";
import { effectiveMfaPolicy } from "./mfa-policy";
import type { ApplicationDto } from "@/lib/applications";
import { countsSignIns } from "@/lib/profile/profiling.schema";
import { profilingOutcome } from "./profiling-policy";
import { entitlementsOfUser, lacksRequiredRole } from "./tokens";

export const CODE_LIFETIME_SECONDS = 60;
const INTERACTION_LIFETIME_SECONDS = 30 * 60;

// No parameter of RFC 6749 / OIDC Core holds a control character; a NUL byte would reach the stored
// interaction (jsonb), which PostgreSQL refuses. Such a request is malformed (an error page).
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const str = (max: number) => z.string().max(max).refine((v) => !CONTROL_CHARS.test(v)).optional();
export const authorizeParamsSchema = z.object({
  client_id: str(100),
  redirect_uri: str(2000),
  response_type: str(100),
  scope: str(1000),
  state: str(2000),
  nonce: str(500),
  code_challenge: str(128),
  code_challenge_method: str(16),
  prompt: str(100),
  max_age: str(12),
  login_hint: str(254),
  ui_locales: str(100),
  acr_values: str(500),
  response_mode: str(32),
  request: str(10_000),
  request_uri: str(2000),
});
export type AuthorizeParams = z.infer<typeof authorizeParamsSchema>;

export interface AuthorizeSession {
  id: string;
  userId: string;
  authTime: Date;
  amr: string[];
}

export interface AuthorizationResponse {
  redirectUri: string;
  mode: "query" | "form_post";
  params: Record<string, string>;
}

export type AuthorizeOutcome =
  /** No redirect: the request cannot be answered safely, or the interaction is not this browser's or user's. */
  | { kind: "error_page"; reason: string }
  | { kind: "respond"; response: AuthorizationResponse }
  | { kind: "login"; interactionId: string; loginHint?: string; force: boolean }
  | { kind: "consent"; interactionId: string }
  /** Set up a second factor first (MFA policy): `required` says whether it can be skipped. */
  | { kind: "enrol_mfa"; interactionId: string; required: boolean }
  /** Answer the profile questions the application's profiling policy asks (lib/oidc/profiling.ts). */
  | { kind: "profile"; interactionId: string };

const PROMPTS = ["none", "login", "consent", "select_account"];

export interface AuthorizeInput {
  /** A new request's parameters (RFC 6749 §4.1.1). */
  params?: Record<string, string>;
  /** Or the id of a stored interaction being resumed after sign-in or consent. */
  interactionId?: string;
  /**
   * The browser's interaction binding (a random value in an HttpOnly cookie). New interactions store
   * its hash; only the same browser may resume them. Without one, an interaction can never resume.
   */
  binding?: string | null;
}

/** Entry point for GET/POST /oauth2/authorize, and for the resumption after sign-in or consent. */
export async function authorize(input: AuthorizeInput, session: AuthorizeSession | null, ctx: RequestContext, now = new Date()): Promise<AuthorizeOutcome> {
  let params: AuthorizeParams;
  let interaction: StoredInteraction | null = null;
  if (input.interactionId) {
    const stored = await findInteraction(input.interactionId);
    if (!stored || stored.expiresAt <= now) return { kind: "error_page", reason: "expired_interaction" };
    // Bound to the browser that started it and, once signed in, to its user: a link to someone
    // else's interaction (approved by them, for their client) is refused, never answered.
    if (!bindingMatches(stored.bindingHash, input.binding) || (session && stored.userId && stored.userId !== session.userId)) {
      await refuseForeignInteraction(stored, session, ctx);
      return { kind: "error_page", reason: "foreign_interaction" };
    }
    params = authorizeParamsSchema.parse(stored.params);
    interaction = stored;
  } else {
    const parsed = authorizeParamsSchema.safeParse(input.params);
    if (!parsed.success) return { kind: "error_page", reason: "malformed_request" };
    params = parsed.data;
  }

  // Until client and redirect URI are known good, nothing may be redirected (RFC 6749 §4.1.2.1).
  let client: ApplicationDto;
  let redirectUri: string;
  try {
    ({ client, redirectUri } = await checkClientAndRedirect(params));
  } catch (e) {
    if (e instanceof UnsafeRedirectError) return { kind: "error_page", reason: e.reason };
    throw e;
  }
  const save = async (userId: string | null) => interaction?.id ?? (await saveInteraction(params, client, now, input.binding, userId));
  const mode = params.response_mode === "form_post" ? "form_post" : "query";
  const respondError = (error: string, description: string): AuthorizeOutcome => ({
    kind: "respond",
    response: { redirectUri, mode, params: withStateAndIss({ error, error_description: description }, params.state) },
  });

  let request: ValidRequest;
  try {
    request = validateRequest(params, client);
  } catch (e) {
    if (e instanceof OAuthError) return respondError(e.error, e.description);
    throw e;
  }
  if (interaction?.decision === "deny") {
    await deleteInteraction(interaction.id);
    return respondError("access_denied", "the user denied the request");
  }

  // Sign-in: none at all, or older than the request asks (prompt=login, max_age: OIDC Core §3.1.2.1).
  const mustReauthenticate =
    request.prompts.includes("login") || request.prompts.includes("select_account") || request.maxAge !== undefined;
  const freshEnough =
    session &&
    (!mustReauthenticate ||
      ((request.maxAge === undefined || now.getTime() - session.authTime.getTime() <= request.maxAge * 1000) &&
        (!(request.prompts.includes("login") || request.prompts.includes("select_account")) ||
          (interaction !== null && session.authTime >= interaction.createdAt))));
  if (!session || !freshEnough) {
    if (request.prompts.includes("none")) return respondError("login_required", "the user is not signed in");
    return { kind: "login", interactionId: await save(null), loginHint: params.login_hint, force: Boolean(session) };
  }
  // From here on the interaction belongs to this user (first come, first bound).
  if (interaction && !interaction.userId && !(await bindInteractionUser(interaction.id, session.userId))) {
    await refuseForeignInteraction(interaction, session, ctx);
    return { kind: "error_page", reason: "foreign_interaction" };
  }
  // A session from before this request has not met the risk engine for this application (its
  // rules, a transaction value in acr_values): it does now. A sign-in made for this very request
  // was assessed with the application's context already (lib/sign-in/first-factor.ts).
  const signedInForThisRequest = interaction !== null && session.authTime >= interaction.createdAt;
  if (!signedInForThisRequest) {
    const risk = await assessAuthorization({ userId: session.userId, clientId: client.clientId, acrValues: params.acr_values, ctx, now });
    const satisfied = risk.action === "allow" || ((risk.action === "mfa" || risk.action === "strong_mfa") && session.amr.includes("mfa"));
    if (!satisfied) {
      if (request.prompts.includes("none")) return respondError("interaction_required", "the user must sign in again");
      return { kind: "login", interactionId: await save(session.userId), loginHint: params.login_hint, force: true };
    }
  }

  // requireRole: a user holding none of the application's roles is refused, to the application
  // (RFC 6749 §4.1.2.1 access_denied), before any second factor, profile question or consent.
  if (client.requireRole && lacksRequiredRole(client, await entitlementsOfUser(client, session.userId))) {
    await recordAudit({ actor: { type: "user", id: session.userId }, action: "oauth.role_required", target: { type: "client", id: client.clientId }, result: "failure", context: ctx, details: { grant: "authorization_code" } });
    if (interaction) await deleteInteraction(interaction.id);
    return respondError("access_denied", "the user holds no role of this application");
  }

  // A second factor is needed (step-up through acr_values, or the application's MFA policy) and the
  // session has one: sign in again, both factors this time. Without an enrolled factor, a required
  // policy sends the user to set one up; a mere acr request is answered that it cannot be met.
  const policy = effectiveMfaPolicy(client);
  if ((multiFactorRequired(request.acrValues) || policy === "required") && !session.amr.includes("mfa")) {
    if (request.prompts.includes("none")) return respondError("interaction_required", "a second factor is required");
    const hasFactor = await hasSecondFactor(session.userId);
    if (!hasFactor && policy !== "required") return respondError("unmet_authentication_requirements", "the user has no second factor to sign in with");
    const id = await save(session.userId);
    return hasFactor ? { kind: "login", interactionId: id, loginHint: params.login_hint, force: true } : { kind: "enrol_mfa", interactionId: id, required: true };
  }
  if (policy === "optional" && !request.prompts.includes("none") && (await shouldOfferEnrolment(session.userId, now))) {
    return { kind: "enrol_mfa", interactionId: await save(session.userId), required: false };
  }

  // Progressive profiling: the application's policy asks for custom attributes the user lacks and
  // offers consent purposes (none read without a policy). A blocking question cannot be asked
  // silently: interaction_required (OIDC Core §3.1.2.6); skippable ones are simply not asked under prompt=none.
  const profiling = await profilingOutcome(client, session.userId, now, request.scopes);
  if (profiling) {
    if (!request.prompts.includes("none")) return { kind: "profile", interactionId: await save(session.userId) };
    if (profiling.blocking) return respondError("interaction_required", "the application needs information from the user's profile");
  }

  if (!client.firstParty) {
    // The user's recorded consent (the Consent table) is what counts. prompt=consent asks even so,
    // and is answered by this user's decision on this (bound) interaction.
    const consent = await findConsent(session.userId, client.clientId);
    const covered = Boolean(consent && !consent.revokedAt && request.scopes.every((s) => consent.scopes.includes(s)));
    const askedNow = interaction?.decision === "allow" && interaction.userId === session.userId;
    if (!covered || (request.prompts.includes("consent") && !askedNow)) {
      if (request.prompts.includes("none")) return respondError("consent_required", "the user has not consented to this client");
      return { kind: "consent", interactionId: await save(session.userId) };
    }
  }

  const code = randomToken(32);
  const grantId = crypto.randomUUID();
  const scope = request.scopes.join(" ");
  await insertGrantWithCode(
    { id: grantId, clientId: client.clientId, userId: session.userId, sessionId: session.id, scope, authTime: session.authTime, amr: session.amr, acr: achievedAcr(session.amr) },
    {
      codeHash: sha256Hex(code),
      redirectUri,
      nonce: params.nonce ?? null,
      codeChallenge: params.code_challenge ?? null,
      codeChallengeMethod: params.code_challenge ? "S256" : null,
      expiresAt: new Date(now.getTime() + CODE_LIFETIME_SECONDS * 1000),
    },
    { actor: { type: "user", id: session.userId }, action: "oauth.authorized", target: { type: "client", id: client.clientId }, result: "success", context: ctx, details: { grantId, scope } },
    interaction?.id ?? null,
    now,
    countsSignIns(client.profilingPolicy),
  );
  return { kind: "respond", response: { redirectUri, mode, params: withStateAndIss({ code }, params.state) } };
}

async function checkClientAndRedirect(params: AuthorizeParams): Promise<{ client: ApplicationDto; redirectUri: string }> {
  if (!params.client_id) throw new UnsafeRedirectError("missing_client_id");
  const client = await findClientByClientId(params.client_id);
  if (!client || client.disabled) throw new UnsafeRedirectError("unknown_client");
  // OIDC requires redirect_uri; we require it always, and match it exactly (RFC 8252 §7.3 loopback ports aside).
  if (!params.redirect_uri || !matchRedirectUri(client.redirectUris, params.redirect_uri, { nativeClient: client.type === "public" })) throw new UnsafeRedirectError("invalid_redirect_uri");
  return { client, redirectUri: params.redirect_uri };
}

interface ValidRequest {
  scopes: string[];
  prompts: string[];
  maxAge?: number;
  acrValues?: string;
}

function validateRequest(params: AuthorizeParams, client: ApplicationDto): ValidRequest {
  if (params.request) throw new OAuthError("request_not_supported", "request objects are not supported");
  if (params.request_uri) throw new OAuthError("request_uri_not_supported", "request_uri is not supported");
  if (!params.response_type) throw new OAuthError("invalid_request", "response_type is required");
  if (params.response_type !== "code") throw new OAuthError("unsupported_response_type", "only response_type=code is supported");
  if (!client.grantTypes.includes("authorization_code")) throw new OAuthError("unauthorized_client", "this client may not use the authorization code flow");
  if (params.response_mode && !["query", "form_post"].includes(params.response_mode)) {
    throw new OAuthError("invalid_request", "response_mode must be query or form_post");
  }
  const scopes = parseScope(params.scope);
  if (scopes.length === 0) throw new OAuthError("invalid_scope", "scope is required");
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length) throw new OAuthError("invalid_scope", `unsupported scope: ${unknown.join(" ")}`);
  if (params.code_challenge_method && params.code_challenge_method !== "S256") {
    throw new OAuthError("invalid_request", "code_challenge_method must be S256");
  }
  if (params.code_challenge && !S256_CHALLENGE.test(params.code_challenge)) throw new OAuthError("invalid_request", "code_challenge is malformed");
  // RFC 9700 §2.1.1 / ARCHITECTURE §4: PKCE is mandatory for public clients.
  if (client.type === "public" && !params.code_challenge) throw new OAuthError("invalid_request", "code_challenge (S256) is required for public clients");
  const prompts = parseScope(params.prompt);
  if (prompts.some((p) => !PROMPTS.includes(p))) throw new OAuthError("invalid_request", "unsupported prompt value");
  if (prompts.includes("none") && prompts.length > 1) throw new OAuthError("invalid_request", "prompt=none cannot be combined with other values");
  let maxAge: number | undefined;
  if (params.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(params.max_age)) throw new OAuthError("invalid_request", "max_age must be a non-negative integer");
    maxAge = Number(params.max_age);
  }
  return { scopes, prompts, maxAge, acrValues: params.acr_values };
}

function withStateAndIss(params: Record<string, string>, state: string | undefined): Record<string, string> {
  // RFC 9207 §2: iss in every authorization response, success or error.
  return { ...params, ...(state !== undefined ? { state } : {}), iss: issuer() };
}

async function saveInteraction(params: AuthorizeParams, client: ApplicationDto, now: Date, binding: string | null | undefined, userId: string | null): Promise<string> {
  const id = randomToken(24);
  await insertInteraction({
    id,
    clientId: client.clientId,
    params: params as Record<string, unknown> as never,
    bindingHash: binding ? sha256Hex(binding) : null,
    userId,
    expiresAt: new Date(now.getTime() + INTERACTION_LIFETIME_SECONDS * 1000),
  });
  return id;
}

/** Constant-time comparison of the browser's binding with the stored hash; no binding, no match. */
function bindingMatches(storedHash: string | null, binding: string | null | undefined): boolean {
  if (!storedHash || !binding || binding.length > 200) return false;
  return timingSafeEqual(Buffer.from(sha256Hex(binding)), Buffer.from(storedHash));
}

async function refuseForeignInteraction(stored: StoredInteraction, session: AuthorizeSession | null, ctx: RequestContext): Promise<void> {
  await recordAudit({
    actor: session ? { type: "user", id: session.userId } : { type: "anonymous" },
    action: "oauth.interaction_refused",
    target: { type: "client", id: stored.clientId },
    result: "failure",
    context: ctx,
    details: { reason: "another browser's or user's interaction" },
  });
}

/** An interaction this browser and user may act on (consent screen and decision, profile questions), or null. */
export async function ownInteraction(interactionId: string, binding: string | null | undefined, userId: string, now: Date): Promise<StoredInteraction | null> {
  const stored = await findInteraction(interactionId);
  if (!stored || stored.expiresAt <= now) return null;
  // authorize() binds the user before it shows the consent screen: an unbound one was never shown.
  if (!bindingMatches(stored.bindingHash, binding) || stored.userId !== userId) return null;
  return stored;
}

/** The consent screen's view of an interaction: who asks for what. Null unless it is this browser's and user's. */
export async function getConsentRequest(interactionId: string, binding: string | null | undefined, userId: string) {
  const stored = await ownInteraction(interactionId, binding, userId, new Date());
  if (!stored) return null;
  const params = authorizeParamsSchema.parse(stored.params);
  const client = await findClientByClientId(stored.clientId);
  if (!client) return null;
  return { clientId: client.clientId, clientName: client.name, logoUri: client.logoUri, scopes: parseScope(params.scope).filter(isKnownScope) };
}

/**
 * Records the user's answer on the consent screen: an approval becomes this user's Consent record
 * (what authorize() checks); the interaction keeps the decision for prompt=consent and denials.
 * False when the interaction is not this browser's and user's, expired, or already decided.
 */
export async function decideConsent(interactionId: string, binding: string | null | undefined, userId: string, approve: boolean, ctx: RequestContext): Promise<boolean> {
  const stored = await ownInteraction(interactionId, binding, userId, new Date());
  if (!stored || stored.decision) return false;
  if (!(await recordInteractionDecision(interactionId, userId, approve ? "allow" : "deny"))) return false;
  const scopes = parseScope(authorizeParamsSchema.parse(stored.params).scope).filter(isKnownScope);
  if (approve) {
    await grantConsent(userId, stored.clientId, scopes, ctx);
  } else {
    await recordAudit({ actor: { type: "user", id: userId }, action: "consent.denied", target: { type: "client", id: stored.clientId }, result: "success", context: ctx, details: { scopes } });
  }
  return true;
}

/**
 * The application a sign-in is for, when it continues to a stored authorization request
 * (`next` = /oauth2/authorize?interaction=…): its client and acr_values, for the risk engine. Only
 * the browser the interaction is bound to learns it. Undefined for any other `next`.
 */
export async function applicationOfSignIn(next: string, binding: string | null | undefined): Promise<{ clientId: string | null; acrValues?: string } | undefined> {
  let url: URL;
  try {
    url = new URL(next, "http://portico.invalid");
  } catch {
    return undefined;
  }
  const id = url.pathname === "/oauth2/authorize" ? url.searchParams.get("interaction") : null;
  if (!id || id.length > 64) return undefined;
  const stored = await findInteraction(id);
  if (!stored || stored.expiresAt <= new Date() || !bindingMatches(stored.bindingHash, binding)) return { clientId: null };
  const params = authorizeParamsSchema.safeParse(stored.params);
  return { clientId: stored.clientId, acrValues: params.success ? params.data.acr_values : undefined };
}
