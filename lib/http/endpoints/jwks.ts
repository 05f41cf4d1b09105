// RFC 7517 JWK Set: public signing keys only, including keys published ahead of use and retired
// keys whose tokens may still be alive.
import "server-only";
import { publicJwks } from "@/lib/keys";
import { CORS_HEADERS } from "./cors";
import type { EndpointResult } from "./result";

export async function GET(): Promise<EndpointResult> {
  return {
    status: 200,
    headers: { "Content-Type": "application/jwk-set+json", "Cache-Control": "public, max-age=300", ...CORS_HEADERS },
    body: JSON.stringify(await publicJwks()),
  };
}
