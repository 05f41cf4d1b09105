// Signing in through an upstream identity provider (lib/federation speaks to it and decides which
// account; this carries the decision out): an identity already linked signs in, as does one linked
// now on an address verified on both sides; otherwise the customer proves the existing account
// (its password; the link is made once that sign-in completes) or confirms a new one created just
// in time, then the sign-in goes on exactly as a password's would (risk, the account's second
// step, terms), with `amr` "fed".
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { checkRegistrationConsents, giveRegistrationConsents } from "@/lib/consents";
import { importableAttributes, type ImportedAttribute } from "@/lib/profile";
import { withTransaction } from "./sign-in.repo";
import {
  beginUpstreamRequest,
  claimPendingStep,
  decideAccount,
  FederationError,
  findEnabledConnection,
  linkedIdentityOf,
  linkIdentity,
  listEnabledConnections,
  connectionsForApplication,
  peekPendingStep,
  recordLinkedSignIn,
  redeemUpstreamRequest,
  storePendingStep,
  type Connection,
  type PendingStep,
  type RedeemedRequest,
  vouchesForAddress,
} from "@/lib/federation";
import { applicationOfSignIn } from "@/lib/oidc";
import { accountForEmail, accountForFederatedSignIn, authenticateWithPassword, createFederatedAccount, recordFederatedSignIn, UserError } from "@/lib/users";
import type { BrowserCookies } from "./cookies";
import { continueAfterFirstFactor, refuseDeniedAddress, type SignInOutcome } from "./first-factor";

export const FEDERATED_REGISTER_PATH = "/federation/register";
export const FEDERATED_LINK_PATH = "/federation/link";
export const LINKED_ACCOUNTS_PATH = "/account/linked";

/** A browser's cookies plus its binding (the interaction binding cookie, which every flow of this browser shares). */
export type FederationBrowser = BrowserCookies & { binding: string };

/**
 * Sends the browser upstream to sign in (or, signed in, to link another identity: `userId`). A
 * sign-in for an application uses only the connections it offers (an enabled one it did not
 * choose is refused as unknown).
 */
export async function startFederation(slug: string, input: { next: string; userId?: string; loginHint?: string }, ctx: RequestContext, browser: FederationBrowser): Promise<{ redirectTo: string }> {
  if (!input.userId) await refuseDeniedAddress(ctx);
  const connection = await findEnabledConnection(slug);
  if (!connection || (!input.userId && !(await offeredFor(input.next, browser, connection.slug)))) throw new FederationError("not_found", "This sign-in option is not available.");
  return beginUpstreamRequest(connection, { purpose: input.userId ? "link" : "sign-in", next: input.next, userId: input.userId, loginHint: input.loginHint }, browser.binding);
}

/** The connections a sign-in continuing to `next` may use: the application's own (in its order), or every enabled one for Portico's own pages. */
export async function connectionsForSignIn(next: string, interactionBinding: string | null | undefined): Promise<Connection[]> {
  const application = await applicationOfSignIn(next, interactionBinding);
  return application?.clientId ? connectionsForApplication(application.clientId) : listEnabledConnections();
}

async function offeredFor(next: string, browser: FederationBrowser, slug: string): Promise<boolean> {
  return (await connectionsForSignIn(next, browser.interactionBinding)).some((c) => c.slug === slug);
}

export type CallbackOutcome = { kind: "continue"; outcome: SignInOutcome } | { kind: "redirect"; redirectTo: string };

/**
 * The upstream's answer at the callback. `signedInUserId`: the portal session in this browser, if
 * any (linking from the portal is done only for the account that started it).
 */
export async function finishFederation(slug: string, params: URLSearchParams, ctx: RequestContext, browser: FederationBrowser, signedInUserId: string | null): Promise<CallbackOutcome> {
  const answer = await redeemUpstreamRequest(slug, params, browser.binding);
  // An address the connection may not vouch for (a SAML IdP's outside its mapped domains) counts as unverified.
  const vouched = answer.identity.emailVerified && (await vouchesForAddress(answer.connection, answer.identity.email));
  const redeemed: RedeemedRequest = { ...answer, identity: { ...answer.identity, emailVerified: vouched } };
  const { connection, identity } = redeemed;
  if (redeemed.purpose === "link") {
    if (!redeemed.userId || redeemed.userId !== signedInUserId) throw new FederationError("invalid_state", "Sign in again, then link the account from your account page.");
    // An account whose address was never verified may have been registered by someone else in
    // advance: no identity is linked to it until its owner proves the address.
    const owner = await accountForFederatedSignIn(redeemed.userId);
    if (!owner.emailVerifiedAt) throw new FederationError("forbidden", "Verify your email address first, then link the account.");
    await withTransaction((tx) => linkIdentity(redeemed.userId!, connection, identity, "portal", ctx, tx));
    return { kind: "redirect", redirectTo: `${LINKED_ACCOUNTS_PATH}?linked=${encodeURIComponent(connection.slug)}` };
  }
  await refuseDeniedAddress(ctx);
  const linked = await linkedIdentityOf(connection.id, identity.subject);
  const decision = decideAccount({
    linkedUserId: linked?.userId ?? null,
    emailOwner: identity.email ? await accountForEmail(identity.email) : null,
    upstreamEmail: identity.email,
    upstreamEmailVerified: identity.emailVerified,
    connectionTrusted: connection.trustEmailVerified,
  });
  switch (decision.kind) {
    case "sign_in":
      // The account may sign in (not disabled, not locked) before anything is recorded against it.
      await accountForFederatedSignIn(decision.userId, ctx);
      await recordLinkedSignIn(linked!.id, connection, identity);
      return { kind: "continue", outcome: await signInFederated(decision.userId, linked!.id, redeemed, ctx, browser) };
    case "link_and_sign_in": {
      const made = await withTransaction((tx) => linkIdentity(decision.userId, connection, identity, "verified_email", ctx, tx));
      return { kind: "continue", outcome: await signInFederated(decision.userId, made.id, redeemed, ctx, browser) };
    }
    case "prove_existing":
      return { kind: "redirect", redirectTo: `${FEDERATED_LINK_PATH}?token=${await storePendingStep("link_existing", redeemed, decision.userId, browser.binding)}` };
    case "register":
      // A new account only on an address the upstream verified and the connection is trusted for:
      // an address anyone could claim would let them hold it before its owner arrives. Any other
      // address gets the same page as one an account holds ("enter its password"), so the answer
      // never says whether an account exists.
      if (!identity.emailVerified || !connection.trustEmailVerified) {
        return { kind: "redirect", redirectTo: `${FEDERATED_LINK_PATH}?token=${await storePendingStep("link_existing", redeemed, null, browser.binding)}` };
      }
      return { kind: "redirect", redirectTo: `${FEDERATED_REGISTER_PATH}?token=${await storePendingStep("register", redeemed, null, browser.binding)}` };
    case "no_email":
      throw new FederationError("no_email", `${connection.name} did not share an email address with us. Allow it to, or create an account with your email address.`);
  }
}

/** `amr` of the sign-in: "fed", and what the upstream asserted when the connection is trusted (RFC 8176). */
function upstreamAmrOf(redeemed: Pick<RedeemedRequest, "connection" | "identity">): string[] {
  const asserted = redeemed.connection.trustEmailVerified ? redeemed.identity.amr.filter((v) => v !== "fed" && /^[a-z]{2,8}$/.test(v)) : [];
  return ["fed", ...new Set(asserted)];
}

async function signInFederated(userId: string, linkedIdentityId: string, redeemed: Pick<RedeemedRequest, "connection" | "identity" | "next">, ctx: RequestContext, browser: FederationBrowser): Promise<SignInOutcome> {
  const user = await accountForFederatedSignIn(userId, ctx);
  const application = await applicationOfSignIn(redeemed.next, browser.interactionBinding);
  await recordFederatedSignIn(user.id, ctx, { connection: redeemed.connection.slug, clientId: application?.clientId });
  return continueAfterFirstFactor({ user, method: "federated", upstreamAmr: upstreamAmrOf(redeemed), linkedIdentityId, next: redeemed.next, application }, ctx, browser);
}

/** What the confirmation page shows: the connection and what the upstream said. */
export async function pendingFederatedStep(token: string | null, purpose: "register" | "link_existing", browser: FederationBrowser): Promise<PendingStep | null> {
  return peekPendingStep(token, purpose, browser.binding);
}

/** The custom attributes the upstream sent (`attr.<name>` in the claim mapping) that fit their definitions: the page shows them, the account gets them. */
export async function importedAttributesOf(identity: Pick<PendingStep["identity"], "profile">): Promise<ImportedAttribute[]> {
  const values = Object.fromEntries(Object.entries(identity.profile).flatMap(([k, v]) => (k.startsWith("attr.") ? [[k.slice("attr.".length), v]] : [])));
  return Object.keys(values).length ? importableAttributes(values) : [];
}

/** A new account from the pending registration: terms accepted and purposes ticked on the page. */
export async function completeFederatedRegistration(
  token: string | null,
  input: { acceptedDocuments: string[]; consents: Record<string, number>; displayName?: string },
  ctx: RequestContext,
  browser: FederationBrowser,
): Promise<SignInOutcome> {
  const consents = await checkRegistrationConsents(input.consents);
  // Read before the transaction (the definitions are read outside it); the step is claimed inside.
  const peeked = await peekPendingStep(token, "register", browser.binding);
  const attributes = peeked ? Object.fromEntries((await importedAttributesOf(peeked.identity)).map((a) => [a.name, a.value])) : {};
  const step = await withTransaction(async (tx) => {
    const pending = await claimPendingStep(token, "register", browser.binding, tx);
    const { identity, connection } = pending;
    const p = identity.profile;
    const str = (k: string) => (typeof p[k] === "string" ? (p[k] as string) : undefined);
    const user = await createFederatedAccount(
      {
        email: identity.email!,
        emailVerified: true,
        displayName: input.displayName?.trim() || str("name"),
        givenName: str("given_name"),
        familyName: str("family_name"),
        pictureUrl: str("picture"),
        locale: str("locale"),
        attributes,
        acceptedDocuments: input.acceptedDocuments,
        connection: connection.slug,
      },
      ctx,
      tx,
    );
    const linked = await linkIdentity(user.id, connection, identity, "registration", ctx, tx);
    await giveRegistrationConsents(user.id, consents, { context: ctx }, tx);
    return { ...pending, userId: user.id, linkedIdentityId: linked.id };
  });
  return signInFederated(step.userId, step.linkedIdentityId, step, ctx, browser);
}

/**
 * The customer proved the existing account with its password. The link waits for the sign-in to
 * complete (its second step, the risk engine: lib/sign-in session-start links it then), so a
 * password alone never leaves an identity linked; the sign-in goes on as a password's would.
 */
export async function completeFederatedLink(token: string | null, password: string, ctx: RequestContext, browser: FederationBrowser): Promise<SignInOutcome> {
  const pending = await peekPendingStep(token, "link_existing", browser.binding);
  if (!pending?.identity.email) throw new FederationError("invalid_state", "This link has expired. Start again from the sign-in page.");
  // The password goes through the sign-in's throttle and lock (lib/users), keyed by the upstream's
  // address: the same answer whether or not an account holds it.
  const user = await authenticateWithPassword({ email: pending.identity.email, password }, ctx);
  if (pending.userId && user.id !== pending.userId) throw new UserError("invalid_credentials", "The email or password is incorrect.");
  const step = await withTransaction(async (tx) => {
    const claimed = await claimPendingStep(token, "link_existing", browser.binding, tx);
    await storePendingStep("link_on_sign_in", claimed, user.id, browser.binding, tx);
    return claimed;
  });
  const application = await applicationOfSignIn(step.next, browser.interactionBinding);
  return continueAfterFirstFactor({ user, method: "password", password, next: step.next, application }, ctx, browser);
}
