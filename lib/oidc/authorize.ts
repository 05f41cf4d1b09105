// Authorization endpoint (RFC 6749 §4.1.1-4.1.2, OIDC Core §3.1.2, RFC 7636, RFC 9207, OAuth 2.0
// Form Post Response Mode). Decides, for one request and the browser's session, whether to sign the
// user in, ask for consent, or answer the client, and with what. Plain input in, outcome out.
import "server-only";
import { z } from "zod";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findClientByClientId, matchRedirectUri } from "@/lib/clients";
import { OAuthError, UnsafeRedirectError } from "./oidc.errors";
import { S256_CHALLENGE } from "./pkce";
import { isKnownScope, parseScope } from "./scopes";
import { issuer } from "./issuer";
import {
  deleteInteraction,
  findConsent,
  findInteraction,
  insertCode,
  insertGrant,
  insertInteraction,
  updateInteractionParams,
  withTransaction,
} from "./oidc.repo";
import { grantConsent } from "./consent";
import { achievedAcr, multiFactorRequired } from "./acr";
import { hasSecondFactor, shouldOfferEnrolment } from "@/lib/mfa";
import { effectiveMfaPolicy } from "./mfa-policy";
import type { OidcClient } from "./types";

export const CODE_LIFETIME_SECONDS = 60;
const INTERACTION_LIFETIME_SECONDS = 30 * 60;

const str = (max: number) => z.string().max(max).optional();
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
  // Portico's own interaction markers, never accepted from the outside (stripped below).
  _consented: z.boolean().optional(),
  _denied: z.boolean().optional(),
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
  | { kind: "error_page"; reason: string }
  | { kind: "respond"; response: AuthorizationResponse }
  | { kind: "login"; interactionId: string; loginHint?: string; force: boolean }
  | { kind: "consent"; interactionId: string }
  /** Set up a second factor first (MFA policy): `required` says whether it can be skipped. */
  | { kind: "enrol_mfa"; interactionId: string; required: boolean };

const PROMPTS = ["none", "login", "consent", "select_account"];

/** Entry point for GET/POST /oauth2/authorize, and for the resumption after sign-in or consent. */
export async function authorize(
  input: { params?: Record<string, string>; interactionId?: string },
  session: AuthorizeSession | null,
  ctx: RequestContext,
  now = new Date(),
): Promise<AuthorizeOutcome> {
  let params: AuthorizeParams;
  let interaction: { id: string; createdAt: Date } | null = null;
  if (input.interactionId) {
    const stored = await findInteraction(input.interactionId);
    if (!stored || stored.expiresAt <= now) return { kind: "error_page", reason: "expired_interaction" };
    params = authorizeParamsSchema.parse(stored.params);
    interaction = { id: stored.id, createdAt: stored.createdAt };
  } else {
    const parsed = authorizeParamsSchema.safeParse({ ...input.params, _consented: undefined, _denied: undefined });
    if (!parsed.success) return { kind: "error_page", reason: "malformed_request" };
    params = parsed.data;
  }

  // Until client and redirect URI are known good, nothing may be redirected (RFC 6749 §4.1.2.1).
  let client: OidcClient;
  let redirectUri: string;
  try {
    ({ client, redirectUri } = await checkClientAndRedirect(params));
  } catch (e) {
    if (e instanceof UnsafeRedirectError) return { kind: "error_page", reason: e.reason };
    throw e;
  }
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
  if (params._denied) {
    if (interaction) await deleteInteraction(interaction.id);
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
    const id = interaction?.id ?? (await saveInteraction(params, client, now));
    return { kind: "login", interactionId: id, loginHint: params.login_hint, force: Boolean(session) };
  }

  // A second factor is needed (step-up through acr_values, or the application's MFA policy) and the
  // session has one: sign in again, both factors this time. Without an enrolled factor, a required
  // policy sends the user to set one up; a mere acr request is answered that it cannot be met.
  const policy = effectiveMfaPolicy(client);
  if ((multiFactorRequired(request.acrValues) || policy === "required") && !session.amr.includes("mfa")) {
    if (request.prompts.includes("none")) return respondError("interaction_required", "a second factor is required");
    const hasFactor = await hasSecondFactor(session.userId);
    if (!hasFactor && policy !== "required") return respondError("unmet_authentication_requirements", "the user has no second factor to sign in with");
    const id = interaction?.id ?? (await saveInteraction(params, client, now));
    return hasFactor ? { kind: "login", interactionId: id, loginHint: params.login_hint, force: true } : { kind: "enrol_mfa", interactionId: id, required: true };
  }
  if (policy === "optional" && !request.prompts.includes("none") && (await shouldOfferEnrolment(session.userId, now))) {
    const id = interaction?.id ?? (await saveInteraction(params, client, now));
    return { kind: "enrol_mfa", interactionId: id, required: false };
  }

  if (!client.firstParty) {
    const consent = await findConsent(session.userId, client.clientId);
    const covered = Boolean(consent && !consent.revokedAt && request.scopes.every((s) => consent.scopes.includes(s)));
    const mustAsk = request.prompts.includes("consent") || !covered;
    if (mustAsk && !params._consented) {
      if (request.prompts.includes("none")) return respondError("consent_required", "the user has not consented to this client");
      const id = interaction?.id ?? (await saveInteraction(params, client, now));
      return { kind: "consent", interactionId: id };
    }
  }

  const code = randomToken(32);
  await withTransaction(async (tx) => {
    const grant = await insertGrant(
      {
        clientId: client.clientId,
        userId: session.userId,
        sessionId: session.id,
        scope: request.scopes.join(" "),
        authTime: session.authTime,
        amr: session.amr,
        acr: achievedAcr(session.amr),
      },
      tx,
    );
    await insertCode(
      {
        codeHash: sha256Hex(code),
        grantId: grant.id,
        clientId: client.clientId,
        redirectUri,
        nonce: params.nonce ?? null,
        codeChallenge: params.code_challenge ?? null,
        codeChallengeMethod: params.code_challenge ? "S256" : null,
        expiresAt: new Date(now.getTime() + CODE_LIFETIME_SECONDS * 1000),
      },
      tx,
    );
    await recordAudit({ actor: { type: "user", id: session.userId }, action: "oauth.authorized", target: { type: "client", id: client.clientId }, result: "success", context: ctx, details: { grantId: grant.id, scope: request.scopes.join(" ") } }, tx);
  });
  if (interaction) await deleteInteraction(interaction.id);
  return { kind: "respond", response: { redirectUri, mode, params: withStateAndIss({ code }, params.state) } };
}

async function checkClientAndRedirect(params: AuthorizeParams): Promise<{ client: OidcClient; redirectUri: string }> {
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

function validateRequest(params: AuthorizeParams, client: OidcClient): ValidRequest {
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

async function saveInteraction(params: AuthorizeParams, client: OidcClient, now: Date): Promise<string> {
  const id = randomToken(24);
  await insertInteraction({
    id,
    clientId: client.clientId,
    params: params as Record<string, unknown> as never,
    expiresAt: new Date(now.getTime() + INTERACTION_LIFETIME_SECONDS * 1000),
  });
  return id;
}

/** The consent screen's view of an interaction: who asks for what. */
export async function getConsentRequest(interactionId: string) {
  const stored = await findInteraction(interactionId);
  if (!stored || stored.expiresAt <= new Date()) return null;
  const params = authorizeParamsSchema.parse(stored.params);
  const client = await findClientByClientId(stored.clientId);
  if (!client) return null;
  return { clientId: client.clientId, clientName: client.name, logoUri: client.logoUri, scopes: parseScope(params.scope).filter(isKnownScope) };
}

/** Records the user's answer on the consent screen; the caller then resumes the authorization. */
export async function decideConsent(interactionId: string, userId: string, approve: boolean, ctx: RequestContext): Promise<boolean> {
  const stored = await findInteraction(interactionId);
  if (!stored || stored.expiresAt <= new Date()) return false;
  const params = authorizeParamsSchema.parse(stored.params);
  const scopes = parseScope(params.scope).filter(isKnownScope);
  if (approve) {
    await grantConsent(userId, stored.clientId, scopes, ctx);
  } else {
    await recordAudit({ actor: { type: "user", id: userId }, action: "consent.denied", target: { type: "client", id: stored.clientId }, result: "success", context: ctx, details: { scopes } });
  }
  await updateInteractionParams(interactionId, { ...params, _consented: approve, _denied: !approve } as never);
  return true;
}
