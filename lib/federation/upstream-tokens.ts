// The upstream's tokens kept for a customer (a connection that stores tokens), handed to an
// application acting for them. An access token expired or about to expire is refreshed first
// (RFC 6749 §6) under a lock on the identity's row, so that concurrent readers spend the refresh
// token once: the second waits, reads the row again and finds it fresh. The upstream refusing the
// refresh token (invalid_grant, §5.2) clears the tokens: only a new sign-in brings them back.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { connectionsForApplication, findEnabledConnection, type ConnectionWithSecret } from "./connections";
import { FederationError } from "./federation.errors";
import { findIdentityTokens, lockIdentityTokens, replaceIdentityTokens, storeIdentityTokens, withTransaction, type IdentityTokensRow } from "./identities.repo";
import { NO_TOKENS, openTokens, sealTokens, type OpenTokens } from "./token-sealing";
import { refreshClient } from "./upstream";

/** Refreshed when it expires within this margin: an application gets a token it can still use. */
export const REFRESH_MARGIN_MS = 60_000;

export interface UpstreamTokens {
  accessToken: string;
  idToken: string | null;
  /** Null when the upstream gave no lifetime. */
  expiresAt: Date | null;
}

/** Who reads the tokens: the application acting for the customer (audited). */
export interface TokenReader {
  clientId: string;
  ctx: RequestContext;
}

const notFound = () => new FederationError("not_found", "No tokens are kept for this account at that connection.");
const stale = (t: OpenTokens, now = Date.now()) => t.expiresAt !== null && t.expiresAt.getTime() - now <= REFRESH_MARGIN_MS;
const handed = (t: OpenTokens): UpstreamTokens => ({ accessToken: t.accessToken, idToken: t.idToken, expiresAt: t.expiresAt });

/**
 * The customer's upstream tokens at the connection, refreshed when stale; audited
 * `federation.tokens_read`. `not_found` when the connection keeps no tokens (or is SAML, or
 * disabled) or the customer has none there; `forbidden` when the reading application does not
 * offer that connection on its sign-in page; `sign_in_required` when they can no longer be renewed.
 */
export async function upstreamTokensFor(userId: string, connectionSlug: string, reader: TokenReader): Promise<UpstreamTokens> {
  const connection = await findEnabledConnection(connectionSlug);
  if (!connection || connection.protocol === "saml" || !connection.storeTokens) throw notFound();
  // Least privilege: the customer's credential at a provider goes only to an application that signs in with that provider.
  if (!(await connectionsForApplication(reader.clientId)).some((c) => c.id === connection.id)) {
    throw new FederationError("forbidden", `This application does not offer sign-in with ${connection.name}, so it cannot use its tokens.`);
  }
  const row = await findIdentityTokens(userId, connection.id);
  const kept = row && openTokens(row);
  if (!row || !kept) throw notFound();

  const tokens = stale(kept) ? await refreshed(connection, row, userId, reader.ctx) : kept;
  await recordAudit({ actor: { type: "user", id: userId }, action: "federation.tokens_read", target: { type: "user", id: userId }, result: "success", context: reader.ctx, details: { connection: connection.slug, clientId: reader.clientId } });
  return handed(tokens);
}

/** gone: unlinked or cleared meanwhile; expired: stale with no refresh token, or refused now (cleared). */
type Refresh = { kind: "tokens"; tokens: OpenTokens; sealedAccess?: string; newIdToken?: string } | { kind: "gone" } | { kind: "expired" };

async function refreshed(connection: ConnectionWithSecret, row: IdentityTokensRow, userId: string, ctx: RequestContext): Promise<OpenTokens> {
  // Discovery and Apple's secret first: the lock (and the transaction's time limit) covers the token endpoint call only.
  const client = await refreshClient(connection);
  // The upstream is called with the row locked: a concurrent caller waits, then finds the new token.
  const outcome = await withTransaction(async (tx): Promise<Refresh> => {
    const locked = await lockIdentityTokens(row.id, tx);
    const current = locked && openTokens(locked);
    if (!current) return { kind: "gone" };
    if (!stale(current)) return { kind: "tokens", tokens: current };
    if (!current.refreshToken) return { kind: "expired" };
    let fresh;
    try {
      fresh = await client.refresh(current.refreshToken);
    } catch (e) {
      if (!(e instanceof FederationError && e.code === "upstream_error" && e.details.upstreamError === "invalid_grant")) throw e;
      await storeIdentityTokens(row.id, NO_TOKENS, tx);
      await recordAudit({ actor: { type: "system" }, action: "federation.tokens_cleared", target: { type: "user", id: userId }, result: "success", context: ctx, details: { connection: connection.slug, reason: "invalid_grant" } }, tx);
      return { kind: "expired" };
    }
    // RFC 6749 §6: a new refresh token replaces the old one; without one the old one stays valid.
    const tokens: OpenTokens = { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken ?? current.refreshToken, idToken: current.idToken, expiresAt: fresh.expiresAt };
    const sealed = sealTokens(tokens);
    await storeIdentityTokens(row.id, sealed, tx);
    await recordAudit(
      { actor: { type: "system" }, action: "federation.tokens_refreshed", target: { type: "user", id: userId }, result: "success", context: ctx, details: { connection: connection.slug, refreshTokenRotated: fresh.refreshToken !== null } },
      tx,
    );
    return { kind: "tokens", tokens, sealedAccess: sealed.accessTokenSealed!, newIdToken: fresh.idToken ?? undefined };
  });
  if (outcome.kind === "gone") throw notFound();
  if (outcome.kind === "expired") {
    throw new FederationError("sign_in_required", `The tokens from ${connection.name} have expired and cannot be renewed. The customer must sign in with ${connection.name} again.`);
  }
  const { tokens, sealedAccess, newIdToken } = outcome;
  // A new ID token is checked after the lock (its keys may need fetching), and kept unless another refresh came since.
  if (sealedAccess && newIdToken && (await client.keepsIdToken(newIdToken, tokens.idToken))) {
    const withId = { ...tokens, idToken: newIdToken };
    if (await replaceIdentityTokens(row.id, sealedAccess, sealTokens(withId))) return withId;
  }
  return tokens;
}
