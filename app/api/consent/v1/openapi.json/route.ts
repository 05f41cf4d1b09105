// The consent API's OpenAPI 3.1 description. Handler in lib/http/endpoints/consent/openapi.ts.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.openapi.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET"]);
