// Dynamic client registration (RFC 7591 §3). Handler in lib/http/endpoints.
import { registrationEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(registrationEndpoint.POST);
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
