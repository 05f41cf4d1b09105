// GET /api/consent/v1/receipt-keys: the JWK Set (RFC 7517 §5) that verifies every consent receipt
// Portico signed, by the `kid` in its header. Public, like jwks_uri: whoever holds a receipt (the
// person, a regulator, an auditor) verifies it without a token. Unlike jwks_uri it keeps keys that
// have been rotated out, since a receipt is evidence long after the tokens signed with its key.
import "server-only";
import { receiptVerificationJwks } from "@/lib/keys";
import { CORS_HEADERS } from "../cors";
import type { EndpointResult } from "../result";

export async function GET(): Promise<EndpointResult> {
  return {
    status: 200,
    headers: { "Content-Type": "application/jwk-set+json", "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff", ...CORS_HEADERS },
    body: JSON.stringify(await receiptVerificationJwks()),
  };
}
