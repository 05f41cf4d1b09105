// The shapes lib/oidc works with. Structural, so lib/clients' DTO fits without a cast.
export interface OidcClient {
  id: string;
  clientId: string;
  name: string;
  type: string; // "public" | "confidential"
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  tokenEndpointAuthMethod: string;
  idTokenSignedResponseAlg: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  backchannelLogoutUri: string | null;
  logoUri: string | null;
  firstParty: boolean;
  /** default (the global MFA_POLICY) | off | optional | required */
  mfaPolicy: string;
  /** client_credentials: the scopes it may obtain, and the resource indicators (RFC 8707) it may name. */
  allowedScopes: string[];
  allowedResources: string[];
}

export interface GrantRecord {
  id: string;
  clientId: string;
  userId: string | null;
  sessionId: string | null;
  scope: string;
  authTime: Date | null;
  acr: string | null;
  amr: string[];
  revokedAt: Date | null;
}

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}
