// The federated sign-in's cookies and redirects (lib/sign-in decides): the browser's binding
// (the interaction binding cookie, given at the start if missing), the session or pending sign-in
// the outcome carries, and the error a failed upstream round trip shows on the sign-in page.
import "server-only";
import crypto from "node:crypto";
import { DomainError } from "@/lib/errors";
import {
  completeFederatedLink,
  completeFederatedRegistration,
  connectionsForSignIn,
  finishFederation,
  importedAttributesOf,
  pendingFederatedStep,
  startFederation,
  type FederationBrowser,
} from "@/lib/sign-in";
import { answerFormPost, answerSamlRequest, connectionForEmail, FederationError, type Connection } from "@/lib/federation";
import type { RequestContext } from "@/lib/audit";
import { ensureInteractionBinding, interactionBinding } from "./interaction-cookie";
import { browserCookies, setSignInCookies } from "./sign-in-flow";
import { currentSession } from "./session-cookie";
import { safeNextPath } from "./safe-redirect";
import { isRecentSignIn } from "./admin-access";
import { isCrossSiteRequest } from "./request-origin";
import { readCapped } from "./read-capped";

async function federationBrowser(): Promise<FederationBrowser> {
  const binding = await ensureInteractionBinding();
  return { ...(await browserCookies()), interactionBinding: binding, binding };
}

async function boundBrowser(): Promise<FederationBrowser | null> {
  const binding = await interactionBinding();
  return binding ? { ...(await browserCookies()), binding } : null;
}

/**
 * The start route: where the browser goes upstream. `link`: a signed-in customer links another
 * identity, a new way into the account: only from Portico's own page (not a request another site
 * started) and after a recent sign-in, as adding a passkey needs.
 */
export async function federationStartTarget(slug: string, query: URLSearchParams, ctx: RequestContext, headers: { get(name: string): string | null }): Promise<string> {
  const link = query.get("link") === "1";
  const session = link ? await currentSession() : null;
  if (link && isCrossSiteRequest(headers)) throw new FederationError("invalid_state", "Link accounts from your account page.");
  if (link && (!session || !isRecentSignIn(session.authTime))) return `/login?force=1&next=${encodeURIComponent("/account/linked")}`;
  const next = link ? "/account/linked" : safeNextPath(query.get("next"));
  const loginHint = query.get("login_hint")?.slice(0, 254) || undefined;
  const { redirectTo } = await startFederation(slug, { next, userId: session?.user.id, loginHint }, ctx, await federationBrowser());
  return redirectTo;
}

/** The callback route: where the browser goes after the upstream answered (the cookies of a sign-in are set). */
export async function federationCallbackTarget(slug: string, params: URLSearchParams, ctx: RequestContext): Promise<string> {
  const browser = await boundBrowser();
  if (!browser) throw new FederationError("invalid_state", "This sign-in link has expired or was already used. Start again from the sign-in page.");
  const session = await currentSession();
  const outcome = await finishFederation(slug, params, ctx, browser, session?.user.id ?? null);
  if (outcome.kind === "redirect") return outcome.redirectTo;
  await setSignInCookies(outcome.outcome.cookies);
  return outcome.outcome.redirectTo;
}

/** A posted answer (a SAMLResponse is a few KB, a large signed and encrypted one tens): anything larger is refused unread. */
const MAX_POSTED_ANSWER_BYTES = 300_000;

/**
 * The callback's POST: a SAML identity provider's Response (Bindings §3.5) or an OpenID Connect
 * form_post answer, from the upstream's own site and so without this browser's cookies. It is
 * checked and kept on the request (lib/federation); the browser goes on to the callback by GET,
 * where its cookies name it.
 */
export async function postedAnswerTarget(slug: string, request: Request): Promise<string> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  const body = type === "application/x-www-form-urlencoded" ? await readCapped(request, MAX_POSTED_ANSWER_BYTES) : null;
  if (!body) throw new FederationError("invalid_response", "The identity provider's answer could not be read.");
  const form = new URLSearchParams(body.toString("utf8"));
  return (form.has("SAMLResponse") ? await answerSamlRequest(slug, form) : await answerFormPost(slug, form)).continueAt;
}

/** Where a failed federated round trip lands: the sign-in page, which names the problem by its code (FEDERATION_ERROR_MESSAGES). */
export function federationErrorTarget(e: unknown): string {
  const shown = e instanceof DomainError && e.shownToUser && e.code in FEDERATION_ERROR_MESSAGES;
  // Only the error's kind: an unexpected error's message may echo what it was given (a profile, an address).
  if (!shown) console.error(`[portico] federated sign-in failed (reference ${crypto.randomUUID()}): ${e instanceof Error ? `${e.name}${(e as { code?: unknown }).code ? ` ${String((e as { code?: unknown }).code)}` : ""}` : "unknown error"}`);
  return `/login?federation_error=${encodeURIComponent(shown ? (e as DomainError).code : "unexpected")}`;
}

/** The sign-in page's words for each code a federated round trip ends with. */
export const FEDERATION_ERROR_MESSAGES: Record<string, string> = {
  upstream_error: "The sign-in was cancelled or refused at the identity provider.",
  invalid_state: "This sign-in has expired or was already used. Start again.",
  invalid_response: "We could not complete the sign-in with the identity provider. Try again later.",
  saml_signature: "The identity provider's answer was not signed by a key we trust, or was changed on the way. Nothing was signed in.",
  saml_issuer: "The answer did not come from the identity provider this sign-in was sent to. Nothing was signed in.",
  saml_audience: "The identity provider's answer was meant for another service. Nothing was signed in.",
  saml_expired: "The identity provider's answer has expired. Start again.",
  saml_replayed: "This answer from the identity provider was already used, or belongs to another sign-in. Start again.",
  upstream_unreachable: "We could not reach the identity provider. Try again later.",
  no_email:
    "The identity provider did not share a confirmed email address with us. Create an account with your email address, then link the provider from your account page.",
  already_linked: "That account at the identity provider is already linked to another account.",
  not_found: "This sign-in option is not available.",
  invalid_credentials: "This account cannot sign in. Contact support if you think this is a mistake.",
  locked: "This account is locked for now. Use the link we emailed you, or try again later.",
  denied: "This sign-in was refused.",
  password_reset_required: "Your administrator asked you to choose a new password before signing in. We emailed you a link to set it.",
  unexpected: "Something went wrong on our side. Try again.",
};

/** The registration page's pending step, with the custom attributes the account would get. */
export async function pendingFederatedRegistration(token: string | null) {
  const browser = await boundBrowser();
  const step = browser ? await pendingFederatedStep(token, "register", browser) : null;
  return step && { ...step, importedAttributes: await importedAttributesOf(step.identity) };
}

export async function pendingFederatedLink(token: string | null) {
  const browser = await boundBrowser();
  return browser ? pendingFederatedStep(token, "link_existing", browser) : null;
}

/** The registration page's submission; returns where the browser goes next. */
export async function registerThroughFederation(token: string | null, input: { acceptedDocuments: string[]; consents: Record<string, number>; displayName?: string }, ctx: RequestContext): Promise<string> {
  const browser = await boundBrowser();
  if (!browser) throw new FederationError("invalid_state", "This sign-up has expired. Start again from the sign-in page.");
  const outcome = await completeFederatedRegistration(token, input, ctx, browser);
  await setSignInCookies(outcome.cookies);
  return outcome.redirectTo;
}

/** The link page's password; returns where the browser goes next. */
export async function linkThroughPassword(token: string | null, password: string, ctx: RequestContext): Promise<string> {
  const browser = await boundBrowser();
  if (!browser) throw new FederationError("invalid_state", "This link has expired. Start again from the sign-in page.");
  const outcome = await completeFederatedLink(token, password, ctx, browser);
  await setSignInCookies(outcome.cookies);
  return outcome.redirectTo;
}

/** The connections the sign-in page offers: the application's own, in its order; the portal's own page offers every enabled one. */
export async function connectionsOffered(next: string): Promise<Connection[]> {
  return connectionsForSignIn(next, await interactionBinding());
}

/** Home realm discovery: the start URL for an address whose domain is mapped to a connection this sign-in may use, or null. */
export async function homeRealmTarget(email: string, next: string): Promise<string | null> {
  const connection = await connectionForEmail(email);
  if (!connection || !(await connectionsOffered(next)).some((c) => c.slug === connection.slug)) return null;
  return `/federation/${connection.slug}/start?${new URLSearchParams({ next, login_hint: email })}`;
}
