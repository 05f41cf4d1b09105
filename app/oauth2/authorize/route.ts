// Authorization endpoint (RFC 6749 §3.1). Handlers in lib/http/endpoints (see lib/http/fast-path.ts).
import { authorizationEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(authorizationEndpoint.GET);
export const POST = nextRoute(authorizationEndpoint.POST);
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
