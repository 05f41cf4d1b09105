import "server-only";
import { config } from "@/lib/config";

/** The issuer identifier (OIDC Discovery §3): PORTICO_URL, no trailing slash. */
export function issuer(): string {
  return config().publicUrl;
}

export const ENDPOINTS = {
  authorization: "/oauth2/authorize",
  token: "/oauth2/token",
  userinfo: "/oauth2/userinfo",
  jwks: "/oauth2/jwks",
  introspection: "/oauth2/introspect",
  revocation: "/oauth2/revoke",
  endSession: "/oauth2/logout",
  deviceAuthorization: "/oauth2/device_authorization",
  registration: "/oauth2/register",
} as const;

export function endpoint(name: keyof typeof ENDPOINTS): string {
  return issuer() + ENDPOINTS[name];
}
