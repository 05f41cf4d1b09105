// End-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2). Handlers in lib/http/endpoints:
// they read the session from the request's Cookie header and clear it with a Set-Cookie header.
import { endSessionEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(endSessionEndpoint.GET);
export const POST = nextRoute(endSessionEndpoint.POST);
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
