// Token endpoint (RFC 6749 §3.2). The handlers live in lib/http/endpoints: server.mjs also serves them
// directly, without Next's routing (lib/http/fast-path.ts).
import { tokenEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(tokenEndpoint.POST);
export const OPTIONS = nextRoute(tokenEndpoint.OPTIONS);
export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST", "OPTIONS"]);
