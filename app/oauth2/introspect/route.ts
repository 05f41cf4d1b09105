// Token introspection (RFC 7662). Handlers in lib/http/endpoints (see lib/http/fast-path.ts).
import { introspectionEndpoint, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(introspectionEndpoint.POST);
