// Upstream requests under way and the steps that wait for the customer afterwards. A request is
// stored with the SHA-256 of its state (RFC 6749 §10.12), the PKCE verifier sealed (RFC 7636) and
// the nonce (OIDC Core §3.1.2.1), bound to the browser that started it (the hash of its binding
// cookie), lives 10 minutes and is redeemed once: a callback replayed, from another browser or
// for another connection is `invalid_state`.
import "server-only";
import { config } from "@/lib/config";
import { decryptAtRest, encryptAtRest, randomToken, safeEqual, sha256Hex } from "@/lib/crypto";
import type { Tx } from "@/lib/db";
import { callbackPath } from "./connection.schema";
import { findConnectionWithSecret, signsOutUpstream, type ConnectionWithSecret } from "./connections";
import { FederationError } from "./federation.errors";
import {
  answerFederationRequest,
  claimBrowserRequests,
  claimFederationRequest,
  expireUnansweredRequest,
  findFederationRequest,
  findLiveFederationRequest,
  insertFederationRequest,
  insertUsedSamlAssertion,
  withTransaction,
  type FederationRequestRow,
} from "./identities.repo";
import { redeemUpstreamCallback, upstreamAuthorizationUrl, type UpstreamIdentity } from "./upstream";
import { serviceProviderOf } from "./saml-service-provider";
import { newSamlRequestId, redeemSamlResponse, samlAuthorizationUrl, samlError } from "./upstream/saml";

export const REQUEST_LIFETIME_MINUTES = 10;
export const PENDING_LIFETIME_MINUTES = 30;
const VERIFIER_PURPOSE = "federation_request.code_verifier";
const PENDING_TOKENS_PURPOSE = "federation_request.upstream_tokens";

export type UpstreamPurpose = "sign-in" | "link";
export type PendingPurpose = "register" | "link_existing" | "link_on_sign_in";

/** The redirect URI registered at the upstream: exact, on Portico's public URL. */
export function redirectUriOf(slug: string): string {
  return new URL(callbackPath(slug), config().publicUrl).toString();
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

/** Starts an upstream request; returns where to send the browser. */
export async function beginUpstreamRequest(
  connection: ConnectionWithSecret,
  input: { purpose: UpstreamPurpose; next: string; userId?: string; loginHint?: string },
  browserBinding: string,
): Promise<{ redirectTo: string }> {
  if (connection.settings.protocol === "saml") return beginSamlRequest(connection, input, browserBinding);
  const auth = await upstreamAuthorizationUrl(connection, redirectUriOf(connection.slug), { loginHint: input.loginHint });
  await insertFederationRequest({
    stateHash: sha256Hex(auth.state),
    browserHash: sha256Hex(browserBinding),
    connectionId: connection.id,
    purpose: input.purpose,
    userId: input.userId ?? null,
    next: input.next,
    codeVerifierSealed: encryptAtRest(auth.codeVerifier, VERIFIER_PURPOSE),
    nonce: auth.nonce,
    expiresAt: minutesFromNow(REQUEST_LIFETIME_MINUTES),
  });
  return { redirectTo: auth.url };
}

/**
 * A SAML AuthnRequest: the RelayState plays the state (its hash names the request), the request's
 * ID is kept where an OIDC request keeps its nonce (the Response must answer it: InResponseTo).
 */
async function beginSamlRequest(connection: ConnectionWithSecret, input: { purpose: UpstreamPurpose; next: string; userId?: string }, browserBinding: string): Promise<{ redirectTo: string }> {
  const relayState = randomToken(32);
  const requestId = newSamlRequestId();
  const url = await samlAuthorizationUrl(connection, serviceProviderOf(connection.slug), { requestId, relayState });
  await insertFederationRequest({
    stateHash: sha256Hex(relayState),
    browserHash: sha256Hex(browserBinding),
    connectionId: connection.id,
    purpose: input.purpose,
    userId: input.userId ?? null,
    next: input.next,
    codeVerifierSealed: null,
    nonce: requestId,
    expiresAt: minutesFromNow(REQUEST_LIFETIME_MINUTES),
  });
  return { redirectTo: url };
}

/**
 * The identity provider's Response, posted to the callback (Bindings §3.5) from its own site, so
 * without this browser's cookies: it is checked against the request its RelayState names, its
 * assertion recorded as used (a second presentation is refused), and the identity kept on the
 * request. The browser then comes back to the callback by GET, with its cookies, and the request
 * is redeemed there as any other (redeemUpstreamRequest), only by the browser that started it.
 */
export async function answerSamlRequest(slug: string, form: URLSearchParams): Promise<{ continueAt: string }> {
  const relayState = form.get("RelayState");
  // IdP-initiated sign-in (no RelayState naming our request) is not accepted: nothing would bind it to a browser.
  if (!relayState || relayState.length > 512) throw invalidState();
  const row = await findFederationRequest(sha256Hex(relayState), ["sign-in", "link"]);
  const connection = row?.nonce ? await findConnectionWithSecret(row.connectionId) : null;
  if (!row?.nonce || !connection || connection.slug !== slug || !connection.enabled || connection.settings.protocol !== "saml") throw invalidState();
  let redeemed: Awaited<ReturnType<typeof redeemSamlResponse>>;
  try {
    redeemed = await redeemSamlResponse(connection, serviceProviderOf(slug), { samlResponse: form.get("SAMLResponse") ?? "", requestId: row.nonce });
  } catch (e) {
    // A refused answer ends a request not yet answered: each try at a forged or altered answer costs a new one.
    await expireUnansweredRequest(row.stateHash);
    throw e;
  }
  const { identity, assertion } = redeemed;
  await withTransaction(async (tx) => {
    // Profiles §4.1.4.5: one use per assertion, whichever request it is presented for.
    if (!(await insertUsedSamlAssertion(sha256Hex(`${assertion.issuer}\n${assertion.id}`), assertion.notOnOrAfter, tx))) throw samlError("saml_replayed", connection.name);
    if (!(await answerFederationRequest(row.stateHash, storedIdentityOf(identity, connection), tx))) throw invalidState();
  });
  return { continueAt: `${callbackPath(slug)}?${new URLSearchParams({ state: relayState })}` };
}

/** The parameters a form_post answer may carry (Form Post Response Mode §2; `user`: Apple's name). */
const FORM_POST_PARAMETERS = ["code", "state", "error", "error_description", "iss", "user"] as const;
const FORM_POST_PURPOSE = "federation_request.form_post";

/**
 * An OpenID Connect answer posted to the callback (OAuth 2.0 Form Post Response Mode), from the
 * upstream's site and so, as a SAML Response, without this browser's cookies: its parameters are
 * kept (sealed) on the request its state names, and redeemed when the browser comes back by GET.
 */
export async function answerFormPost(slug: string, form: URLSearchParams): Promise<{ continueAt: string }> {
  const state = form.get("state");
  if (!state || state.length > 512) throw invalidState();
  const row = await findFederationRequest(sha256Hex(state), ["sign-in", "link"]);
  const connection = row ? await findConnectionWithSecret(row.connectionId) : null;
  if (!row || !connection || connection.slug !== slug || !connection.enabled || connection.settings.protocol !== "oidc" || connection.settings.responseMode !== "form_post") {
    throw invalidState();
  }
  const answer = Object.fromEntries(FORM_POST_PARAMETERS.flatMap((k) => (form.get(k) === null ? [] : [[k, form.get(k)!.slice(0, 8192)]])));
  const answered = await withTransaction((tx) => answerFederationRequest(row.stateHash, { formPostSealed: encryptAtRest(JSON.stringify(answer), FORM_POST_PURPOSE) }, tx));
  if (!answered) throw invalidState();
  return { continueAt: `${callbackPath(slug)}?${new URLSearchParams({ state })}` };
}

/** The callback's parameters: the query, or what a form_post answer left on the request. */
function callbackParameters(connection: ConnectionWithSecret, row: FederationRequestRow, query: URLSearchParams): URLSearchParams {
  if (connection.settings.protocol !== "oidc" || connection.settings.responseMode !== "form_post") return query;
  const sealed = (row.upstream as { formPostSealed?: unknown } | null)?.formPostSealed;
  // A form_post connection answers only by POST: a query answer would skip what the POST is checked for.
  if (typeof sealed !== "string") throw invalidState();
  return new URLSearchParams(JSON.parse(decryptAtRest(sealed, FORM_POST_PURPOSE)) as Record<string, string>);
}

export interface RedeemedRequest {
  purpose: UpstreamPurpose;
  userId: string | null;
  next: string;
  connection: ConnectionWithSecret;
  identity: UpstreamIdentity;
}

const invalidState = () => new FederationError("invalid_state", "This sign-in link has expired or was already used. Start again from the sign-in page.");

/** The upstream's answer at the callback: the request claimed (once), checked against this browser and connection, the code redeemed. */
export async function redeemUpstreamRequest(slug: string, params: URLSearchParams, browserBinding: string | null): Promise<RedeemedRequest> {
  const state = params.get("state");
  if (!state || state.length > 512) throw invalidState();
  const row = await claimFederationRequest(sha256Hex(state), ["sign-in", "link"]);
  if (!row || !browserBinding || !safeEqual(row.browserHash, sha256Hex(browserBinding))) throw invalidState();
  const connection = await findConnectionWithSecret(row.connectionId);
  if (!connection || connection.slug !== slug || !connection.enabled) throw invalidState();
  if (connection.settings.protocol === "saml") {
    // Answered by the identity provider's POST (answerSamlRequest), or not at all.
    if (!row.upstream) throw invalidState();
    return { purpose: row.purpose as UpstreamPurpose, userId: row.userId, next: row.next, connection, identity: identityOf(row.upstream as StoredIdentity) };
  }
  if (!row.codeVerifierSealed) throw invalidState();
  const codeVerifier = decryptAtRest(row.codeVerifierSealed, VERIFIER_PURPOSE);
  const identity = await redeemUpstreamCallback(connection, redirectUriOf(slug), callbackParameters(connection, row, params), { state, codeVerifier, nonce: row.nonce });
  return { purpose: row.purpose as UpstreamPurpose, userId: row.userId, next: row.next, connection, identity };
}

/** What a pending step keeps of the upstream's answer (the tokens sealed, and only when the connection keeps some: linking.ts tokenColumns). */
type StoredIdentity = Omit<UpstreamIdentity, "tokens"> & { tokensSealed: string | null };

/**
 * A finished upstream sign-in that waits for the customer (or, `link_on_sign_in`, for the account's
 * sign-in to complete); returns the token its page is opened with.
 */
export async function storePendingStep(purpose: PendingPurpose, redeemed: Pick<RedeemedRequest, "next" | "connection" | "identity">, userId: string | null, browserBinding: string, tx?: Tx): Promise<string> {
  const token = randomToken(32);
  const upstream = storedIdentityOf(redeemed.identity, redeemed.connection);
  await insertFederationRequest(
    {
      stateHash: sha256Hex(token),
      browserHash: sha256Hex(browserBinding),
      connectionId: redeemed.connection.id,
      purpose,
      userId,
      next: redeemed.next,
      codeVerifierSealed: null,
      nonce: null,
      upstream,
      expiresAt: minutesFromNow(PENDING_LIFETIME_MINUTES),
    },
    tx,
  );
  return token;
}

export interface PendingStep {
  purpose: PendingPurpose;
  userId: string | null;
  next: string;
  connection: ConnectionWithSecret;
  identity: UpstreamIdentity;
}

async function pendingFrom(row: FederationRequestRow | null, browserBinding: string | null, tx?: Tx): Promise<PendingStep | null> {
  if (!row || !browserBinding || !safeEqual(row.browserHash, sha256Hex(browserBinding))) return null;
  const connection = await findConnectionWithSecret(row.connectionId, tx);
  if (!connection?.enabled) return null;
  return { purpose: row.purpose as PendingPurpose, userId: row.userId, next: row.next, connection, identity: identityOf(row.upstream as StoredIdentity) };
}

function storedIdentityOf(identity: UpstreamIdentity, connection: Pick<ConnectionWithSecret, "storeTokens" | "settings">): StoredIdentity {
  const { tokens, ...rest } = identity;
  const keeps = connection.storeTokens || signsOutUpstream(connection);
  return { ...rest, tokensSealed: keeps ? encryptAtRest(JSON.stringify(tokens), PENDING_TOKENS_PURPOSE) : null };
}

function identityOf(stored: StoredIdentity): UpstreamIdentity {
  const tokens: UpstreamIdentity["tokens"] = stored.tokensSealed
    ? (JSON.parse(decryptAtRest(stored.tokensSealed, PENDING_TOKENS_PURPOSE), (k, v) => (k === "expiresAt" && typeof v === "string" ? new Date(v) : v)) as UpstreamIdentity["tokens"])
    : { accessToken: "", refreshToken: null, idToken: null, expiresAt: null };
  const { tokensSealed: _sealed, ...identity } = stored;
  return { ...identity, tokens };
}

/** The pending step this browser holds, for its page (not used up). */
export async function peekPendingStep(token: string | null, purpose: PendingPurpose, browserBinding: string | null): Promise<PendingStep | null> {
  if (!token || token.length > 100) return null;
  return pendingFrom(await findLiveFederationRequest(sha256Hex(token), [purpose]), browserBinding);
}

/** The links this browser's sign-in to `userId` was waiting for, used up (inside the transaction that links them). */
export async function claimLinksWaitingForSignIn(userId: string, browserBinding: string, tx: Tx): Promise<PendingStep[]> {
  const rows = await claimBrowserRequests(sha256Hex(browserBinding), "link_on_sign_in", userId, tx);
  const steps = await Promise.all(rows.map((r) => pendingFrom(r, browserBinding, tx)));
  return steps.filter((s): s is PendingStep => s !== null);
}

/** Uses the pending step up (once), inside the transaction that acts on it. */
export async function claimPendingStep(token: string | null, purpose: PendingPurpose, browserBinding: string | null, tx: Tx): Promise<PendingStep> {
  if (!token || token.length > 100) throw invalidState();
  const step = await pendingFrom(await claimFederationRequest(sha256Hex(token), [purpose], tx), browserBinding, tx);
  if (!step) throw invalidState();
  return step;
}
