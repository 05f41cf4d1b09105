// OpenID Connect Discovery 1.0 §4 and RFC 8414 §3 (the same metadata, for OAuth-only clients).
import "server-only";
import { providerMetadata } from "@/lib/oidc";
import { CORS_HEADERS } from "./cors";
import type { EndpointResult } from "./result";

export function GET(): EndpointResult {
  return {
    status: 200,
    headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300", ...CORS_HEADERS },
    body: JSON.stringify(providerMetadata()),
  };
}
