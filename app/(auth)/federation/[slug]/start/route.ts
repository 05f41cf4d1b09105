// GET /federation/<slug>/start?next=…[&login_hint=…][&link=1]: sends the browser to the upstream
// identity provider (lib/sign-in startFederation). A problem lands on the sign-in page, named.
import { federationErrorTarget, federationStartTarget, otherMethods, requestContext } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  let target: string;
  try {
    target = await federationStartTarget(slug.slice(0, 64), new URL(request.url).searchParams, await requestContext(), request.headers);
  } catch (e) {
    target = federationErrorTarget(e);
  }
  return new Response(null, { status: 303, headers: { Location: target, "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
