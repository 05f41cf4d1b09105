// Token minting: JWT access tokens (RFC 9068), ID tokens (OIDC Core §2, §3.1.3.6 at_hash) and
// opaque, hashed refresh tokens (RFC 6749 §6, rotated on use).
import "server-only";
import crypto from "node:crypto";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { signJwt } from "@/lib/keys";
import { claimsForScopes, mappedClaims, type ClaimSource } from "@/lib/profile";
import { insertAccessTokenRecord, insertRefreshToken, type Tx } from "./oidc.repo";
import { issuer } from "./issuer";
import { entitlementClaims, entitlementsFor, usesEntitlements, type ApplicationDto, type Entitlements } from "@/lib/applications";
import type { GrantRecord, TokenResponse } from "./types";

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

/** OIDC Core §3.1.3.6: left half of SHA-256 (for ES256/RS256) of the access token, base64url. */
export function atHash(accessToken: string): string {
  const digest = crypto.createHash("sha256").update(accessToken, "ascii").digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}

export interface IssueOptions {
  client: ApplicationDto;
  grant: GrantRecord;
  /** Scopes of this issuance (a refresh may narrow the grant's). */
  scopes: string[];
  nonce?: string | null;
  /** The user, loaded before any transaction (on PGlite a read outside an open transaction waits for it). */
  user?: ClaimSource | null;
  /** The user's roles and groups for this application (entitlementsOfUser), read before any transaction too. */
  entitlements?: Entitlements | null;
  withIdToken: boolean;
  withRefreshToken: boolean;
  now?: Date;
  tx?: Tx;
}

/**
 * The user's roles and groups for the application (lib/applications entitlementsFor, one query),
 * read only when the application releases them or requires a role: null otherwise.
 */
export async function entitlementsOfUser(client: ApplicationDto, userId: string | null): Promise<Entitlements | null> {
  return userId && usesEntitlements(client) ? entitlementsFor(client.id, userId) : null;
}

/** requireRole: the user holds none of the application's roles. */
export function lacksRequiredRole(client: ApplicationDto, entitlements: Entitlements | null): boolean {
  return client.requireRole && (entitlements?.roles.length ?? 0) === 0;
}

/** Marks a self-contained client_credentials token: `gty`, a private claim (the name Auth0 uses for it). */
export const CLIENT_CREDENTIALS_GTY = "client_credentials";

/**
 * RFC 6749 §4.4.3 + RFC 9068: a client_credentials access token is self-contained. Nothing is written
 * when it is issued (machine tokens are the bulk of a CIAM's token traffic); `sub` is the client
 * (RFC 9068 §2.2) and revocation lists the jti until the token expires (resource.ts).
 */
export async function issueClientCredentialsToken(client: ApplicationDto, scopes: string[], opts: { audience?: string; now?: Date } = {}): Promise<TokenResponse> {
  const now = opts.now ?? new Date();
  const iat = epoch(now);
  const scope = scopes.join(" ");
  const accessToken = await signJwt(
    // RFC 9068 §3 / RFC 8707 §2: aud is the resource the token is for; Portico itself when none was named.
    { iss: issuer(), sub: client.clientId, aud: opts.audience ?? issuer(), client_id: client.clientId, scope, gty: CLIENT_CREDENTIALS_GTY, jti: randomToken(18), iat, exp: iat + client.accessTokenTtlSeconds },
    { alg: "ES256", typ: "at+jwt", now },
  );
  return { access_token: accessToken, token_type: "Bearer", expires_in: client.accessTokenTtlSeconds, scope };
}

/** What an issuance stores: the access token's record and, when one was minted, the refresh token's. */
export interface MintedRecords {
  accessToken: { jti: string; grantId: string; clientId: string; expiresAt: Date; tokenHash: string };
  refreshToken: { tokenHash: string; grantId: string; expiresAt: Date } | null;
}

/**
 * Signs the tokens of one issuance and says what to store; writes nothing (the caller stores them
 * atomically). `tx` only reaches the key ring: on PGlite a read outside an open transaction waits for it.
 */
export async function mintTokens(o: IssueOptions): Promise<{ response: TokenResponse; records: MintedRecords }> {
  const now = o.now ?? new Date();
  const iat = epoch(now);
  const exp = iat + o.client.accessTokenTtlSeconds;
  const jti = randomToken(18);
  const sub = o.grant.userId ?? o.client.clientId;
  const scope = o.scopes.join(" ");
  const accessToken = await signJwt(
    {
      // The application's mapped custom attributes first: the registered claims below always win.
      ...(o.grant.userId && o.user ? mappedClaims(o.user, o.scopes, o.client.claimMappings, "access_token") : {}),
      ...(o.grant.userId ? entitlementClaims(o.client, o.entitlements) : {}),
      iss: issuer(),
      sub,
      aud: issuer(),
      client_id: o.client.clientId,
      scope,
      jti,
      iat,
      exp,
      ...(o.grant.authTime ? { auth_time: epoch(o.grant.authTime) } : {}),
      ...(o.grant.acr ? { acr: o.grant.acr } : {}),
      ...(o.grant.amr.length ? { amr: o.grant.amr } : {}),
    },
    { alg: "ES256", typ: "at+jwt", now, tx: o.tx },
  );
  const records: MintedRecords = {
    accessToken: { jti, grantId: o.grant.id, clientId: o.client.clientId, expiresAt: new Date(exp * 1000), tokenHash: sha256Hex(accessToken) },
    refreshToken: null,
  };
  const response: TokenResponse = { access_token: accessToken, token_type: "Bearer", expires_in: o.client.accessTokenTtlSeconds, scope };

  if (o.withIdToken && o.grant.userId && o.user) {
    response.id_token = await signJwt(
      {
        ...mappedClaims(o.user, o.scopes, o.client.claimMappings, "id_token"),
        ...entitlementClaims(o.client, o.entitlements),
        ...claimsForScopes(o.user, o.scopes),
        iss: issuer(),
        sub: o.user.id,
        aud: o.client.clientId,
        azp: o.client.clientId,
        iat,
        exp: iat + 3600,
        ...(o.grant.authTime ? { auth_time: epoch(o.grant.authTime) } : {}),
        ...(o.nonce ? { nonce: o.nonce } : {}),
        ...(o.grant.sessionId ? { sid: o.grant.sessionId } : {}),
        ...(o.grant.acr ? { acr: o.grant.acr } : {}),
        ...(o.grant.amr.length ? { amr: o.grant.amr } : {}),
        at_hash: atHash(accessToken),
      },
      { alg: o.client.idTokenSignedResponseAlg, typ: "JWT", now, tx: o.tx },
    );
  }

  if (o.withRefreshToken) {
    const refresh = randomToken(32);
    records.refreshToken = { tokenHash: sha256Hex(refresh), grantId: o.grant.id, expiresAt: new Date(now.getTime() + o.client.refreshTokenTtlSeconds * 1000) };
    response.refresh_token = refresh;
  }
  return { response, records };
}

/** Mints and stores (in `tx` when given): refresh and device-code issuance. */
export async function issueTokens(o: IssueOptions): Promise<TokenResponse> {
  const { response, records } = await mintTokens(o);
  await insertAccessTokenRecord(records.accessToken, o.tx);
  if (records.refreshToken) await insertRefreshToken(records.refreshToken, o.tx);
  return response;
}

/** Refresh tokens are issued only for offline_access, to clients allowed the refresh_token grant. */
export function mayIssueRefreshToken(client: ApplicationDto, scopes: string[]): boolean {
  return client.grantTypes.includes("refresh_token") && scopes.includes("offline_access");
}

