// One consent receipt through the consent API. Handler in lib/http/endpoints/consent.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.receipts.GET_ONE);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET"]);
