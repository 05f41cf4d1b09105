// UserInfo endpoint (OIDC Core §5.3): GET or POST, a bearer token holding the openid scope.
import "server-only";
import { userInfo } from "@/lib/oidc";
import type { EndpointResult } from "./result";
import { bearerEndpoint } from "./bearer";
import { CORS_HEADERS, preflight } from "./cors";

export const { GET, POST } = bearerEndpoint({ scopes: ["openid"], headers: CORS_HEADERS }, userInfo);

export function OPTIONS(): EndpointResult {
  return preflight("GET, POST");
}
