// /federation/<slug>/callback: the redirect URI registered at the upstream.
// GET: an OAuth 2.0 / OpenID Connect answer (RFC 6749 §4.1.2), or the browser coming back after a
// SAML identity provider's POST. The sign-in goes on (a session, a second step, or the page that
// asks the customer to confirm a new account or prove an existing one).
// POST: a SAML connection's Assertion Consumer Service (SAML Bindings §3.5, HTTP-POST), or an
// OpenID Connect answer in form_post mode (Apple); it is checked and kept, then the browser is sent
// back here by GET. It comes from the upstream's site, so the proxy lets this one POST through
// without a same-site Origin (see proxy.ts).
// A problem lands on the sign-in page, named.
import { federationCallbackTarget, federationErrorTarget, otherMethods, requestContext, postedAnswerTarget } from "@/lib/http";

export const dynamic = "force-dynamic";

function redirect(target: string): Response {
  // Referrer-Policy: the callback's URL carries the code or state; it must not leave in a Referer header.
  return new Response(null, { status: 303, headers: { Location: target, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
}

export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  try {
    return redirect(await federationCallbackTarget(slug.slice(0, 64), new URL(request.url).searchParams, await requestContext()));
  } catch (e) {
    return redirect(federationErrorTarget(e));
  }
}

export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  try {
    return redirect(await postedAnswerTarget(slug.slice(0, 64), request));
  } catch (e) {
    return redirect(federationErrorTarget(e));
  }
}

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
