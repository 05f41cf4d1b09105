// The token endpoint: the authorization code's redemption (RFC 6749 §4.1.3 with the PKCE verifier,
// RFC 7636 §4.5) and a kept refresh token's use (§6), the client authenticated as the connection
// says (RFC 6749 §2.3.1).
import "server-only";
import { FederationError } from "../federation.errors";
import { errorCode, invalidResponse, jsonObject, parseJson, upstreamFetch } from "./upstream-http";

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post";

/** Where the connection's client calls the token endpoint, and how it authenticates. */
export interface TokenClient {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string | null;
  authMethod: ClientAuthMethod;
  upstreamName: string;
}

export interface TokenRequest extends TokenClient {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

export interface TokenResponse {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  expiresAt: Date | null;
}

/** RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64. */
function basicCredentials(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString("base64")}`;
}

export function redeemCode(req: TokenRequest): Promise<TokenResponse> {
  return requestTokens(req, new URLSearchParams({ grant_type: "authorization_code", code: req.code, redirect_uri: req.redirectUri, code_verifier: req.codeVerifier }));
}

/** RFC 6749 §6: a new access token for the refresh token; an `invalid_grant` refusal is `upstream_error` with that detail. */
export function refreshTokens(client: TokenClient, refreshToken: string): Promise<TokenResponse> {
  return requestTokens(client, new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }));
}

async function requestTokens(req: TokenClient, form: URLSearchParams): Promise<TokenResponse> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (req.clientSecret !== null && req.authMethod === "client_secret_basic") {
    headers.authorization = basicCredentials(req.clientId, req.clientSecret);
  } else {
    form.set("client_id", req.clientId);
    if (req.clientSecret !== null) form.set("client_secret", req.clientSecret);
  }
  const res = await upstreamFetch(req.tokenEndpoint, { method: "POST", headers, form }, req.upstreamName);
  if (res.status >= 500) throw new FederationError("upstream_unreachable", `${req.upstreamName} could not be reached. Try again in a moment.`);

  // RFC 6749 §5.2 (a 400 or 401), or GitHub's 200 with an `error` member: the upstream refused the grant.
  const body = parseJson(res.body);
  const refused = typeof body === "object" && body !== null ? errorCode((body as Record<string, unknown>).error) : undefined;
  if (refused) {
    throw new FederationError("upstream_error", `${req.upstreamName} did not accept the sign-in. Please try again.`, { upstreamError: refused });
  }
  if (res.status !== 200) throw invalidResponse(req.upstreamName);

  // RFC 6749 §5.1: access_token and token_type (Bearer, case-insensitive) are required.
  const json = jsonObject(res, req.upstreamName);
  const accessToken = json.access_token;
  if (typeof accessToken !== "string" || !accessToken || typeof json.token_type !== "string" || json.token_type.toLowerCase() !== "bearer") {
    throw invalidResponse(req.upstreamName);
  }
  const expiresIn = typeof json.expires_in === "string" ? Number(json.expires_in) : json.expires_in;
  return {
    accessToken,
    refreshToken: typeof json.refresh_token === "string" && json.refresh_token ? json.refresh_token : null,
    idToken: typeof json.id_token === "string" && json.id_token ? json.id_token : null,
    expiresAt: typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null,
  };
}

/**
 * A GET with the access token (RFC 6750 §2.1), answered with JSON. `optional`: a 4xx (a scope the
 * customer did not grant) is undefined rather than a failure.
 */
export async function bearerGet(url: string, accessToken: string, upstreamName: string, opts: { optional?: boolean } = {}): Promise<unknown> {
  const res = await upstreamFetch(url, { method: "GET", headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } }, upstreamName);
  if (res.status >= 500) throw new FederationError("upstream_unreachable", `${upstreamName} could not be reached. Try again in a moment.`);
  if (opts.optional && res.status >= 400) return undefined;
  if (res.status !== 200) throw invalidResponse(upstreamName);
  const value = parseJson(res.body);
  if (value === undefined) throw invalidResponse(upstreamName);
  return value;
}
