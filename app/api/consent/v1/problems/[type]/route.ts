// One problem type of the consent API, documented (what a problem's `type` URI resolves to). Handler in lib/http/endpoints/consent/problems.ts.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.problems.GET_ONE);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET"]);
