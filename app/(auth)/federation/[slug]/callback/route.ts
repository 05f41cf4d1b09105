// GET /federation/<slug>/callback: the upstream's answer (RFC 6749 §4.1.2), the redirect URI
// registered there. The sign-in goes on (a session, a second step, or the page that asks the
// customer to confirm a new account or prove an existing one); a problem lands on the sign-in page.
import { federationCallbackTarget, federationErrorTarget, otherMethods, requestContext } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  let target: string;
  try {
    target = await federationCallbackTarget(slug.slice(0, 64), new URL(request.url).searchParams, await requestContext());
  } catch (e) {
    target = federationErrorTarget(e);
  }
  // Referrer-Policy: the callback's URL carries the code; it must not leave in a Referer header.
  return new Response(null, { status: 303, headers: { Location: target, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
