// The consent API's receipts of the token's user. Handlers in lib/http/endpoints/consent.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.receipts.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET"]);
