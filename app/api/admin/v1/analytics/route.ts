// The admin API's analytics (client_credentials bearer token with portico:analytics). Handler in lib/http/endpoints/admin-analytics.ts.
import { adminAnalyticsEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(adminAnalyticsEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
