// RFC 7517 JWK Set: public signing keys only, including keys published ahead of use and retired
// keys whose tokens may still be alive.
import { publicJwks } from "@/lib/keys";

export const dynamic = "force-dynamic";

export async function GET() {
  return Response.json(await publicJwks(), {
    headers: { "Content-Type": "application/jwk-set+json", "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
}
