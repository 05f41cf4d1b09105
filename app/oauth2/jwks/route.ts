// RFC 7517 JWK Set. Handler in lib/http/endpoints (see lib/http/fast-path.ts).
import { jwksEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(jwksEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
