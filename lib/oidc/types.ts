// The shapes lib/oidc works with (an application is lib/applications' ApplicationDto).
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
