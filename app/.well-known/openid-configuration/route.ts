// OpenID Connect Discovery 1.0 §4. Handler in lib/http/endpoints (see lib/http/fast-path.ts).
import { discoveryEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(discoveryEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
