// Token introspection (RFC 7662). Handlers in lib/http/endpoints (see lib/http/fast-path.ts).
import { introspectionEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(introspectionEndpoint.POST);
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
