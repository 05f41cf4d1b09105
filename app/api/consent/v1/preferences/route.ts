// The consent API's communication preferences of the token's user. Handlers in lib/http/endpoints/consent.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.preferences.GET);
export const PATCH = nextRoute(consentApi.preferences.PATCH);
export const { POST, PUT, DELETE, OPTIONS } = consentApi.otherMethods(["GET", "PATCH"]);
