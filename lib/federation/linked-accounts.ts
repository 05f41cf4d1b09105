// The customer's linked identities (/account/linked): what is linked, which connections could be,
// and unlinking one, never the last way the account signs in (a password, a passkey, or another
// linked identity).
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { signInMethodsOf } from "@/lib/factors";
import { hasPassword } from "@/lib/users";
import { FederationError } from "./federation.errors";
import { countUsableIdentities, deleteLinkedIdentity, listLinkedIdentityRows, lockLinkedIdentities, withTransaction } from "./identities.repo";
import { findConnectionRowById, listConnectionRows } from "./connections.repo";
import { mailSignInMethodChange } from "./linking";

export interface LinkedIdentityView {
  id: string;
  connection: { slug: string; name: string; preset: string | null; enabled: boolean };
  email: string | null;
  linkedAt: Date;
  lastUsedAt: Date | null;
}

export async function listLinkedIdentities(userId: string): Promise<LinkedIdentityView[]> {
  return (await listLinkedIdentityRows(userId)).map((r) => ({
    id: r.id,
    connection: { slug: r.connection.slug, name: r.connection.name, preset: r.connection.preset, enabled: r.connection.enabled },
    email: r.email,
    linkedAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
  }));
}

/** Enabled connections the account has no identity at yet (the portal offers to link them). */
export async function linkableConnections(userId: string): Promise<{ slug: string; name: string }[]> {
  const linked = new Set((await listLinkedIdentityRows(userId)).map((r) => r.connectionId));
  return (await listConnectionRows()).filter((c) => c.enabled && !linked.has(c.id)).map((c) => ({ slug: c.slug, name: c.name }));
}

/**
 * Unlinks one of the account's identities (audited `identity.unlinked`); refused when nothing else
 * would sign the account in (an identity at a disabled connection signs nobody in).
 */
export async function unlinkIdentity(userId: string, identityId: string, ctx: RequestContext): Promise<void> {
  const passwordOrPasskey = (await hasPassword(userId)) || (await signInMethodsOf(userId)).some((m) => m.kind === "factor" && m.type === "passkey");
  await withTransaction(async (tx) => {
    // Two unlinks at once would each see the other's identity still there.
    await lockLinkedIdentities(userId, tx);
    if (!passwordOrPasskey && (await countUsableIdentities(userId, identityId, tx)) === 0) {
      throw new FederationError("last_sign_in_method", "This is the only way you sign in. Set a password or add a passkey first, then unlink it.");
    }
    const removed = await deleteLinkedIdentity(identityId, userId, tx);
    if (!removed) throw new FederationError("not_found", "This linked account is not yours, or was already unlinked.");
    await recordAudit({ actor: { type: "user", id: userId }, action: "identity.unlinked", target: { type: "user", id: userId }, result: "success", context: ctx, details: { connectionId: removed.connectionId } }, tx);
    const connection = await findConnectionRowById(removed.connectionId, tx);
    await mailSignInMethodChange(userId, "removed", connection?.name ?? "A provider", tx);
  });
}

/** The person's data export (lib/privacy): each linked account with what its provider last sent; never its tokens. */
export async function linkedAccountsForExport(userId: string): Promise<{ provider: string; providerName: string; subject: string; email: string | null; claims: unknown; linkedAt: Date; lastUsedAt: Date | null }[]> {
  return (await listLinkedIdentityRows(userId)).map((r) => ({
    provider: r.connection.slug,
    providerName: r.connection.name,
    subject: r.subject,
    email: r.email,
    claims: r.profile,
    linkedAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
  }));
}
