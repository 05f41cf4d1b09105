// Which account an upstream identity signs in to, and linking identities to accounts.
//
// An identity already linked signs in to its account. Otherwise an account holding the upstream's
// address is linked without asking only when the upstream asserts the address verified AND the
// connection is trusted for that (a setting, off for generic providers) AND the account's own
// address is verified: an unverified account may have been registered by someone else in advance
// (pre-account takeover), and an unverified upstream address is anybody's claim. In every other
// case the customer proves the existing account (its password) before the link is made. No
// address, no account: one would be needed to create one or to match one.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail } from "@/lib/mail";
import { accountContact, publicLink } from "@/lib/users";
import type { Tx } from "@/lib/db";
import { FederationError } from "./federation.errors";
import { findLinkedIdentity, insertLinkedIdentity, recordIdentityUse, withTransaction, type LinkedIdentityRow, type TokenColumns } from "./identities.repo";
import { claimLinksWaitingForSignIn } from "./requests";
import { signsOutUpstream, type ConnectionWithSecret } from "./connections";
import { sealIdToken, sealTokens } from "./token-sealing";
import type { UpstreamIdentity } from "./upstream";

export type AccountDecision =
  | { kind: "sign_in"; userId: string }
  | { kind: "link_and_sign_in"; userId: string }
  | { kind: "prove_existing"; userId: string }
  | { kind: "register" }
  | { kind: "no_email" };

export interface AccountFacts {
  /** The account the identity is linked to, if any. */
  linkedUserId: string | null;
  /** The account holding the upstream's address, if any. */
  emailOwner: { id: string; emailVerified: boolean } | null;
  upstreamEmail: string | null;
  upstreamEmailVerified: boolean;
  connectionTrusted: boolean;
}

export function decideAccount(f: AccountFacts): AccountDecision {
  if (f.linkedUserId) return { kind: "sign_in", userId: f.linkedUserId };
  if (!f.upstreamEmail) return { kind: "no_email" };
  if (!f.emailOwner) return { kind: "register" };
  if (f.upstreamEmailVerified && f.connectionTrusted && f.emailOwner.emailVerified) return { kind: "link_and_sign_in", userId: f.emailOwner.id };
  return { kind: "prove_existing", userId: f.emailOwner.id };
}

export function linkedIdentityOf(connectionId: string, subject: string): Promise<LinkedIdentityRow | null> {
  return findLinkedIdentity(connectionId, subject);
}

/**
 * The upstream's tokens as stored, encrypted: all of them when the connection keeps them; only the
 * ID token when it signs out upstream (the id_token_hint of RP-Initiated Logout 1.0 §2).
 */
export function tokenColumns(connection: Pick<ConnectionWithSecret, "storeTokens" | "settings">, tokens: UpstreamIdentity["tokens"]): Partial<TokenColumns> | undefined {
  if (!connection.storeTokens || !tokens.accessToken) {
    return signsOutUpstream(connection) && tokens.idToken ? { idTokenSealed: sealIdToken(tokens.idToken) } : undefined;
  }
  return sealTokens(tokens);
}

/** Links the identity to the account (audited `identity.linked`); refused when it is another account's. */
export async function linkIdentity(userId: string, connection: ConnectionWithSecret, identity: UpstreamIdentity, how: "registration" | "verified_email" | "proved_account" | "portal", ctx: RequestContext, tx: Tx): Promise<LinkedIdentityRow> {
  const existing = await findLinkedIdentity(connection.id, identity.subject, tx);
  if (existing && existing.userId !== userId) throw new FederationError("already_linked", `This ${connection.name} account is already linked to another account.`);
  if (existing) return existing;
  const row = await insertLinkedIdentity({ userId, connectionId: connection.id, subject: identity.subject, email: identity.email, profile: identity.profile, tokens: tokenColumns(connection, identity.tokens) }, tx);
  await recordAudit(
    { actor: { type: "user", id: userId }, action: "identity.linked", target: { type: "user", id: userId }, result: "success", context: ctx, details: { connection: connection.slug, how, emailVerified: identity.emailVerified } },
    tx,
  );
  // A new way into an existing account is told to its owner, as a new factor is (not for the account just created with it).
  if (how !== "registration") await mailSignInMethodChange(userId, "added", connection.name, tx);
  return row;
}

/**
 * The links a sign-in was waiting for (an identity whose account was proved by its password, linked
 * only once the sign-in completes: after its second step and the risk engine, never before), made
 * now. One already linked elsewhere meanwhile is skipped.
 */
export async function completeLinksWaitingForSignIn(userId: string, browserBinding: string | null | undefined, ctx: RequestContext): Promise<number> {
  if (!browserBinding) return 0;
  return withTransaction(async (tx) => {
    let linked = 0;
    for (const step of await claimLinksWaitingForSignIn(userId, browserBinding, tx)) {
      const other = await findLinkedIdentity(step.connection.id, step.identity.subject, tx);
      if (other) continue;
      await linkIdentity(userId, step.connection, step.identity, "proved_account", ctx, tx);
      linked++;
    }
    return linked;
  });
}

/** The owner's mail when a linked account is added or removed (lib/mail's sign-in-method-changed). */
export async function mailSignInMethodChange(userId: string, change: "added" | "removed", connectionName: string, tx: Tx): Promise<void> {
  const user = await accountContact(userId, tx);
  if (!user) return;
  await enqueueMail(
    {
      to: user.email,
      template: "sign-in-method-changed",
      data: { change, methods: [`${connectionName} (linked account)`], securityLink: publicLink("/account/linked"), resetLink: publicLink("/forgot-password"), name: user.displayName ?? undefined },
    },
    tx,
  );
}

/** A sign-in with a linked identity: the profile the upstream sent this time (and its tokens, when kept). */
export async function recordLinkedSignIn(identityId: string, connection: ConnectionWithSecret, identity: UpstreamIdentity): Promise<void> {
  await recordIdentityUse(identityId, { email: identity.email, profile: identity.profile, tokens: tokenColumns(connection, identity.tokens) });
}
