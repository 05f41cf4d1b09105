// The consent API's purposes. Handlers in lib/http/endpoints/consent.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.purposes.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET"]);
