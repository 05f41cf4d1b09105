// Device authorization endpoint (RFC 8628 §3.1-3.2). Handler in lib/http/endpoints.
import { deviceAuthorizationEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(deviceAuthorizationEndpoint.POST);
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
