// The consent API's consents of the token's user. Handlers in lib/http/endpoints/consent.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.consents.GET);
export const POST = nextRoute(consentApi.consents.POST);
export const { PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET", "POST"]);
