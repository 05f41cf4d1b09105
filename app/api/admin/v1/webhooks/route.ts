// The admin API's webhook subscriptions (client_credentials bearer token with portico:webhooks). Handler in lib/http/endpoints/admin-webhooks.ts.
import { adminWebhooksEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(adminWebhooksEndpoint.collection.GET);
export const POST = nextRoute(adminWebhooksEndpoint.collection.POST);
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "POST"]);
