// OpenID Connect Discovery 1.0 §4.
import { providerMetadata } from "@/lib/oidc";

export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(providerMetadata(), { headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" } });
}
