// Token revocation (RFC 7009). Handlers in lib/http/endpoints (see lib/http/fast-path.ts).
import { revocationEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(revocationEndpoint.POST);
export const OPTIONS = nextRoute(revocationEndpoint.OPTIONS);
export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST", "OPTIONS"]);
