// Dynamic client registration (RFC 7591, OIDC Dynamic Client Registration 1.0), open only to callers
// holding an initial access token (RFC 7591 §3: "protected registration"): one an administrator
// created (stored as SHA-256, shown once; expires within 30 days; single use unless created as
// multi-use), or the deployment's OIDC_REGISTRATION_TOKEN (multi-use by nature: it lives in the
// environment until the operator changes it).
import "server-only";
import { config } from "@/lib/config";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { randomToken, safeEqual, sha256Hex } from "@/lib/crypto";
import type { Actor } from "@/lib/users";
import { ApplicationError } from "./applications.errors";
import {
  applicationIdSchema,
  registrationErrorOf,
  registrationRequestSchema,
  INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS,
  type InitialAccessTokenDto,
  type RegistrationResponse,
} from "./applications.schema";
import {
  findInitialAccessTokenByHash,
  insertInitialAccessToken,
  listInitialAccessTokenRows,
  revokeInitialAccessTokenRow,
  spendInitialAccessToken,
  withTransaction,
  type InitialAccessTokenRecord,
} from "./applications.repo";
import { assertTenantWidePermission } from "@/lib/users";
import { callbackUriProblem, insertNewApplication } from "./applications";

export const DEFAULT_INITIAL_ACCESS_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
/** The deployment's registration token (validated at start by lib/config: 32+ characters), if any. */
function registrationTokenFromEnvironment(): string | undefined {
  return config().OIDC_REGISTRATION_TOKEN;
}

function toTokenDto(t: InitialAccessTokenRecord): InitialAccessTokenDto {
  return { id: t.id, label: t.label, createdAt: t.createdAt, expiresAt: t.expiresAt, multiUse: t.multiUse, usedAt: t.usedAt, revokedAt: t.revokedAt };
}

/**
 * Creates an initial access token for dynamic registration; the token is returned once.
 * `ttlSeconds`: default 7 days, at most 30 days. Single use (one registration) unless `multiUse`.
 */
export async function createInitialAccessToken(
  actor: Actor,
  label: string,
  ttlSeconds?: number,
  ctx: RequestContext = {},
  opts: { multiUse?: boolean } = {},
): Promise<{ token: string; initialAccessToken: InitialAccessTokenDto }> {
  assertTenantWidePermission(actor, "applications:write");
  const cleanLabel = label.trim().slice(0, 100);
  if (!cleanLabel) throw new ApplicationError("invalid_input", "Enter a label.", { field: "label", fieldErrors: { label: "Enter a label." } });
  const ttl = ttlSeconds ?? DEFAULT_INITIAL_ACCESS_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS) {
    const message = "The lifetime must be from 60 seconds to 30 days.";
    throw new ApplicationError("invalid_input", message, { field: "ttl", fieldErrors: { ttl: message } });
  }
  const multiUse = opts.multiUse === true;
  const token = randomToken();
  const row = await withTransaction(async (tx) => {
    const created = await insertInitialAccessToken(
      { tokenHash: sha256Hex(token), label: cleanLabel, createdBy: actor.id, expiresAt: new Date(Date.now() + ttl * 1000), multiUse },
      tx,
    );
    await recordAudit(
      {
        actor: { type: "admin", id: actor.id },
        action: "initial_access_token.created",
        target: { type: "initial_access_token", id: created.id },
        result: "success",
        context: ctx,
        details: { label: created.label, expiresAt: created.expiresAt.toISOString(), multiUse },
      },
      tx,
    );
    return created;
  });
  return { token, initialAccessToken: toTokenDto(row) };
}

export async function listInitialAccessTokens(actor: Actor): Promise<InitialAccessTokenDto[]> {
  assertTenantWidePermission(actor, "applications:read");
  return (await listInitialAccessTokenRows()).map(toTokenDto);
}

export async function revokeInitialAccessToken(actor: Actor, id: string, ctx: RequestContext): Promise<void> {
  assertTenantWidePermission(actor, "applications:write");
  if (!applicationIdSchema.safeParse(id).success) throw new ApplicationError("not_found", "This token does not exist.");
  await withTransaction(async (tx) => {
    const revoked = await revokeInitialAccessTokenRow(id, new Date(), tx);
    if (!revoked) throw new ApplicationError("not_found", "This token does not exist or is already revoked.");
    await recordAudit(
      { actor: { type: "admin", id: actor.id }, action: "initial_access_token.revoked", target: { type: "initial_access_token", id }, result: "success", context: ctx },
      tx,
    );
  });
}

export type VerifiedInitialAccessToken = { source: "database"; id: string; label: string } | { source: "environment" };

/** The token's identity when it may register clients now; null when unknown, expired, revoked or spent. */
export async function verifyInitialAccessToken(token: string | null | undefined, now = new Date()): Promise<VerifiedInitialAccessToken | null> {
  if (!token || token.length > 512) return null;
  const fromEnv = registrationTokenFromEnvironment();
  if (fromEnv && safeEqual(token, fromEnv)) return { source: "environment" };
  // A lookup by the SHA-256 of a 256-bit token: timing reveals nothing about a token nobody has.
  const row = await findInitialAccessTokenByHash(sha256Hex(token));
  if (!row || row.revokedAt || row.expiresAt <= now || (!row.multiUse && row.usedAt)) return null;
  return { source: "database", id: row.id, label: row.label };
}

/**
 * RFC 7591 §3: registers a client from its metadata. Throws ApplicationError `invalid_token` (no or a
 * bad initial access token) or `invalid_redirect_uri` / `invalid_client_metadata` (§3.2.2).
 */
export async function registerClient(initialAccessToken: string | null | undefined, metadata: unknown, ctx: RequestContext): Promise<RegistrationResponse> {
  const granted = await verifyInitialAccessToken(initialAccessToken);
  if (!granted) throw new ApplicationError("invalid_token", "A valid initial access token is required to register a client.");
  const parsed = registrationRequestSchema.safeParse(metadata);
  if (!parsed.success) {
    const { error, error_description } = registrationErrorOf(parsed.error);
    throw new ApplicationError(error, error_description);
  }
  // RFC 7591 §3.2.2: a URI the server will not call is invalid client metadata.
  const callback = callbackUriProblem(parsed.data.backchannelLogoutUri);
  if (callback) throw new ApplicationError("invalid_client_metadata", `backchannel_logout_uri: ${callback}`);
  const { application: a, clientSecret } = await insertNewApplication(parsed.data, {
    createdVia: "dynamic",
    actor: { type: "system" },
    context: ctx,
    details: { initialAccessToken: granted.source === "database" ? granted.id : "environment" },
    // Spent in the same transaction as the client it registers: a failed insert leaves it unspent,
    // and of two concurrent registrations with one single-use token only one commits.
    beforeInsert: async (tx) => {
      if (granted.source === "database" && !(await spendInitialAccessToken(granted.id, new Date(), tx))) {
        throw new ApplicationError("invalid_token", "A valid initial access token is required to register a client.");
      }
    },
  });
  return {
    client_id: a.clientId,
    ...(clientSecret ? { client_secret: clientSecret } : {}),
    client_id_issued_at: Math.floor(a.createdAt.getTime() / 1000),
    client_secret_expires_at: 0,
    client_name: a.name,
    redirect_uris: a.redirectUris,
    post_logout_redirect_uris: a.postLogoutRedirectUris,
    grant_types: a.grantTypes,
    response_types: a.grantTypes.includes("authorization_code") ? ["code"] : [],
    token_endpoint_auth_method: a.tokenEndpointAuthMethod,
    id_token_signed_response_alg: a.idTokenSignedResponseAlg,
    ...(a.backchannelLogoutUri ? { backchannel_logout_uri: a.backchannelLogoutUri } : {}),
    ...(a.logoUri ? { logo_uri: a.logoUri } : {}),
    ...(a.jwks ? { jwks: a.jwks } : {}),
    ...(a.allowedScopes.length ? { scope: a.allowedScopes.join(" ") } : {}),
  };
}
