// One webhook subscription in the admin API. Handler in lib/http/endpoints/admin-webhooks.ts.
import { adminWebhooksEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(adminWebhooksEndpoint.item.GET);
export const PATCH = nextRoute(adminWebhooksEndpoint.item.PATCH);
export const DELETE = nextRoute(adminWebhooksEndpoint.item.DELETE);
export const { POST, PUT, OPTIONS } = otherMethods(["GET", "PATCH", "DELETE"]);
