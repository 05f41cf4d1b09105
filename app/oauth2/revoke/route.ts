// Token revocation (RFC 7009). Handlers in lib/http/endpoints (see lib/http/fast-path.ts).
import { revocationEndpoint, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(revocationEndpoint.POST);
export const OPTIONS = nextRoute(revocationEndpoint.OPTIONS);
