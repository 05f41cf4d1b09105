// CORS for the endpoints a browser application calls directly (OAuth 2.0 for Browser-Based Apps
// §6.1: a single-page app exchanges its code and calls UserInfo from its own origin). None of them
// reads a cookie, so any origin may call them: what protects them is the client authentication,
// PKCE and the bearer token, which a foreign page does not have.
import type { EndpointResult } from "./result";

export const CORS_HEADERS = { "Access-Control-Allow-Origin": "*" } as const;

/** The answer to a CORS preflight (OPTIONS) for one of those endpoints. */
export function preflight(methods: string): EndpointResult {
  return {
    status: 204,
    body: null,
    headers: {
      ...CORS_HEADERS,
      "Access-Control-Allow-Methods": methods,
      "Access-Control-Allow-Headers": "Authorization, Content-Type",
      "Access-Control-Max-Age": "600",
    },
  };
}
