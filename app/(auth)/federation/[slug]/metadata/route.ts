// GET /federation/<slug>/metadata: a SAML connection's service provider metadata (SAML Metadata
// §2.4.4): its entityID (this URL), the Assertion Consumer Service and its certificate, for the
// identity provider's administrator to import.
import { otherMethods } from "@/lib/http";
import { samlMetadataOf } from "@/lib/federation";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  const xml = /^[a-z0-9-]{1,64}$/.test(slug) ? await samlMetadataOf(slug) : null;
  if (xml === null) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(xml, { headers: { "Content-Type": "application/samlmetadata+xml; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
