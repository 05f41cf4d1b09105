// Withdrawing one consent through the consent API. Handler in lib/http/endpoints/consent.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const DELETE = nextRoute(consentApi.consents.DELETE);
export const { GET, HEAD, POST, PUT, PATCH, OPTIONS } = consentApi.otherMethods(["DELETE"]);
