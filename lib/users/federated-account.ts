// Accounts met through an upstream identity provider (lib/federation decides which; lib/sign-in
// carries it out): the account an address belongs to, whether it may sign in, and a new account
// created just in time from what the upstream said (no password: it signs in through the upstream,
// and may set a password later by a reset).
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { recordRegistrationAcceptances } from "@/lib/legal";
import { UserError } from "./users.errors";
import { findUserByEmail, findUserById, insertUser, recordSignInTime, updateUser, type Tx, type UserRecord } from "./users.repo";
import { addressHeldForSwitchBack, issueUserToken } from "./user-tokens";
import { enqueueMail } from "@/lib/mail";
import { publicLink } from "./links";
import { normalizedEmail } from "./users.schema";

/** The account holding an address (as the upstream gave it, lower-cased), or an address held for another's switch back. */
export async function accountForEmail(email: string): Promise<{ id: string; emailVerified: boolean } | null> {
  const user = await findUserByEmail(normalizedEmail(email));
  return user ? { id: user.id, emailVerified: user.emailVerifiedAt !== null } : null;
}

/** The account an identity signs in to, or the reason it may not (the same refusals as a password sign-in's, audited alike). */
export async function accountForFederatedSignIn(userId: string, ctx: RequestContext = {}, now = new Date()): Promise<UserRecord> {
  const user = await findUserById(userId);
  if (!user || user.disabledAt) {
    await recordAudit({ actor: { type: "anonymous" }, action: "login.failed", target: { type: "user", id: userId }, result: "failure", context: ctx, details: { reason: "disabled", method: "federated" } });
    throw new UserError("invalid_credentials", "This account cannot sign in. Contact support if you think this is a mistake.");
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await recordAudit({ actor: { type: "anonymous" }, action: "login.throttled", target: { type: "user", id: userId }, result: "failure", context: ctx, details: { reason: "locked", method: "federated" } });
    throw new UserError("locked", "This account is locked for now. Use the link we emailed you, or try again later.");
  }
  return user;
}

/** Where mail about the account goes (its address and name), read in the caller's transaction. */
export async function accountContact(userId: string, tx: Tx): Promise<{ email: string; displayName: string | null } | null> {
  const user = await findUserById(userId, tx);
  return user && { email: user.email, displayName: user.displayName };
}

/** A sign-in through an upstream succeeded (audited `login.succeeded` with method federated, the sign-in time recorded). */
export async function recordFederatedSignIn(userId: string, ctx: RequestContext, details: { connection: string; clientId?: string | null }): Promise<void> {
  const now = new Date();
  await recordSignInTime(userId, now);
  await recordAudit({
    actor: { type: "user", id: userId },
    action: "login.succeeded",
    target: { type: "user", id: userId },
    result: "success",
    context: ctx,
    details: { method: "federated", connection: details.connection, ...(details.clientId ? { clientId: details.clientId } : {}) },
  });
}

export interface FederatedAccountInput {
  email: string;
  /** The upstream asserted the address verified (and the connection is trusted for that). */
  emailVerified: boolean;
  displayName?: string;
  givenName?: string;
  familyName?: string;
  pictureUrl?: string;
  locale?: string;
  /** Custom attribute values, already checked against their definitions (lib/profile). */
  attributes?: Record<string, unknown>;
  /** The legal documents the page showed and the customer accepted. */
  acceptedDocuments: string[];

  connection: string;
}

const text = (v: string | undefined, max: number) => (v && v.trim() ? v.trim().slice(0, max) : undefined);

/**
 * A new account just in time. An address the upstream did not verify gets a verification mail, as a
 * self-service registration does; a taken address (or one held for another account's switch back)
 * is refused: the caller matched accounts by address first, so this is a race.
 */
export async function createFederatedAccount(input: FederatedAccountInput, ctx: RequestContext, tx: Tx): Promise<UserRecord> {
  const email = normalizedEmail(input.email);
  if ((await findUserByEmail(email, tx)) || (await addressHeldForSwitchBack(email, { tx }))) {
    throw new UserError("invalid_input", "An account with this email address exists: sign in to it, then link this provider from your account.", { field: "email" });
  }
  const now = new Date();
  const user = await insertUser(
    { email, passwordHash: null, displayName: text(input.displayName, 100), emailVerifiedAt: input.emailVerified ? now : undefined, termsAcceptedAt: now, attributes: input.attributes },
    tx,
  );
  const picture = input.pictureUrl && /^https:\/\//i.test(input.pictureUrl) ? input.pictureUrl.slice(0, 2048) : undefined;
  const locale = input.locale && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$/.test(input.locale) ? input.locale : undefined;
  const profile = { givenName: text(input.givenName, 100), familyName: text(input.familyName, 100), pictureUrl: picture, locale };
  if (Object.values(profile).some((v) => v !== undefined)) await updateUser(user.id, profile, tx);
  await recordAudit({ actor: { type: "user", id: user.id }, action: "user.registered", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { method: "federated", connection: input.connection } }, tx);
  await emitIdentityEvent({ type: "user.created", userId: user.id, data: { source: "federation" } }, tx);
  if (input.emailVerified) {
    await recordAudit({ actor: { type: "user", id: user.id }, action: "user.email_verified", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { via: "upstream", connection: input.connection } }, tx);
  } else {
    const token = await issueUserToken(user.id, "verify_email", { email, tx });
    await enqueueMail({ to: email, template: "verify-email", data: { link: publicLink("/verify-email", { token }), name: user.displayName ?? undefined } }, tx);
  }
  await recordRegistrationAcceptances(user.id, input.acceptedDocuments, now, ctx, tx);
  return user;
}
