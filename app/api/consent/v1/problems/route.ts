// The consent API's problem types, documented. Handler in lib/http/endpoints/consent/problems.ts.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.problems.GET_ALL);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET"]);
