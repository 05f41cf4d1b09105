// GET /federation/<slug>/signed-out: the post_logout_redirect_uri Portico registers at a provider
// that signs out with it (OpenID Connect RP-Initiated Logout 1.0 §3). The provider sends the
// browser back here with the state Portico sent; the browser goes on to where the sign-out was
// headed (sealed in that state), or to Portico's signed-out page.
import { otherMethods } from "@/lib/http";
import { afterUpstreamSignOut } from "@/lib/federation";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  const to = afterUpstreamSignOut(slug, new URL(request.url).searchParams.get("state")) ?? "/logout/done";
  return new Response(null, { status: 303, headers: { Location: to, "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
