// A webhook subscription's delivery log in the admin API. Handler in lib/http/endpoints/admin-webhooks.ts.
import { adminWebhooksEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(adminWebhooksEndpoint.deliveries.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
