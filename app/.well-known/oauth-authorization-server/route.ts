// RFC 8414 §3: the same metadata, for OAuth-only clients. Handler in lib/http/endpoints.
import { discoveryEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(discoveryEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
