// UserInfo endpoint (OIDC Core §5.3). Handlers in lib/http/endpoints (see lib/http/fast-path.ts).
import { userinfoEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(userinfoEndpoint.GET);
export const POST = nextRoute(userinfoEndpoint.POST);
export const OPTIONS = nextRoute(userinfoEndpoint.OPTIONS);
export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST", "OPTIONS"]);
