// Bearer tokens for the SCIM API (RFC 7644 §2: OAuth bearer, RFC 6750), one per provisioning
// client: a 256-bit random secret shown once, kept only as its SHA-256, scoped (read, or read and
// write), expiring, revocable. Made in the console or by the operator's `npm run scim:token`.
import "server-only";
import { z } from "zod";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { DomainError } from "@/lib/errors";
import { isUuid } from "@/lib/formats";
import { assertPermission, type Actor } from "@/lib/users";
import { withTransaction, findProvisioningTokenByHash, insertProvisioningToken, listProvisioningTokenRows, revokeProvisioningTokenRow, touchProvisioningToken, type ProvisioningTokenRow } from "./tokens.repo";

export const PROVISIONING_SCOPES = ["scim:read", "scim:write"] as const;
export type ProvisioningScope = (typeof PROVISIONING_SCOPES)[number];

const LAST_USED_PRECISION_MS = 60_000;

/** Tokens carry their kind, so one pasted into the wrong place (or found in a log) says what it is. */
const TOKEN_PREFIX = "portico_scim_";

export class ProvisioningError extends DomainError<"invalid_input" | "not_found"> {
  override readonly name = "ProvisioningError";
  override readonly shownToUser = true;
}

export const provisioningTokenInputSchema = z.object({
  name: z.string({ error: "Name the provisioning client." }).trim().min(1, "Name the provisioning client.").max(100, "Use at most 100 characters."),
  /** Write implies read: a client that changes users must read them to match them. */
  write: z.boolean(),
  /** Users it creates with a sign-in address and no password get the invitation mail. */
  sendInvitations: z.boolean().default(false),
  lifetimeDays: z.coerce.number({ error: "Enter a number of days." }).int("Enter a whole number of days.").min(1, "Enter 1 to 730 days.").max(730, "Enter 1 to 730 days."),
});
export type ProvisioningTokenInput = z.input<typeof provisioningTokenInputSchema>;

/** Who asks: an administrator holding provisioning:write, or the operator's command line. */
export type TokenIssuer = { admin: Actor } | { operator: string };

export interface IssuedProvisioningToken {
  /** The bearer secret: shown once, never stored. */
  token: string;
  id: string;
  name: string;
  scopes: string[];
  expiresAt: Date;
}

export async function createProvisioningToken(issuer: TokenIssuer, input: ProvisioningTokenInput, ctx: RequestContext, now = new Date()): Promise<IssuedProvisioningToken> {
  if ("admin" in issuer) assertPermission(issuer.admin, "provisioning:write");
  const parsed = provisioningTokenInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProvisioningError("invalid_input", issue.message, String(issue.path[0] ?? ""));
  }
  const { name, write, sendInvitations, lifetimeDays } = parsed.data;
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  const scopes: ProvisioningScope[] = write ? ["scim:read", "scim:write"] : ["scim:read"];
  const expiresAt = new Date(now.getTime() + lifetimeDays * 86_400_000);
  const actor = "admin" in issuer ? ({ type: "admin", id: issuer.admin.id } as const) : ({ type: "system", id: issuer.operator } as const);
  const row = await withTransaction(async (tx) => {
    const created = await insertProvisioningToken({ name, tokenHash: sha256Hex(token), scopes, sendInvitations, expiresAt, createdBy: actor.id }, tx);
    await recordAudit({ actor, action: "provisioning_token.created", target: { type: "provisioning_token", id: created.id }, result: "success", context: ctx, details: { name, scopes, sendInvitations, expiresAt: expiresAt.toISOString() } }, tx);
    return created;
  });
  return { token, id: row.id, name: row.name, scopes: row.scopes, expiresAt: row.expiresAt };
}

/** The client a request's bearer token names, or null (unknown, revoked or expired: the caller answers 401 alike). */
export interface ProvisioningClient {
  tokenId: string;
  name: string;
  scopes: string[];
  sendInvitations: boolean;
}

export async function authenticateProvisioningToken(bearer: string | null, now = new Date()): Promise<ProvisioningClient | null> {
  // The shape first: no query for what cannot be a token (a lookup by the hash of a 256-bit secret
  // leaks nothing by its timing).
  if (!bearer || !bearer.startsWith(TOKEN_PREFIX) || bearer.length !== TOKEN_PREFIX.length + 43) return null;
  const row = await findProvisioningTokenByHash(sha256Hex(bearer));
  if (!row || row.revokedAt || row.expiresAt <= now) return null;
  // "Last used" to the minute: most requests of a provisioning run write nothing.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) await touchProvisioningToken(row.id, now);
  return { tokenId: row.id, name: row.name, scopes: row.scopes, sendInvitations: row.sendInvitations };
}

export async function listProvisioningTokens(actor: Actor): Promise<ProvisioningTokenRow[]> {
  assertPermission(actor, "provisioning:read");
  return listProvisioningTokenRows();
}

export async function revokeProvisioningToken(actor: Actor, id: string, ctx: RequestContext, now = new Date()): Promise<void> {
  assertPermission(actor, "provisioning:write");
  if (!isUuid(id)) throw new ProvisioningError("not_found", "No such token.");
  await withTransaction(async (tx) => {
    const row = await revokeProvisioningTokenRow(id, now, tx);
    if (!row) throw new ProvisioningError("not_found", "No such token, or it is already revoked.");
    await recordAudit({ actor: { type: "admin", id: actor.id }, action: "provisioning_token.revoked", target: { type: "provisioning_token", id }, result: "success", context: ctx, details: { name: row.name } }, tx);
  });
}
