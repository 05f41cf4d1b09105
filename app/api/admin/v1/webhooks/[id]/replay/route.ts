// Replaying a webhook subscription's retained events since a time, in the admin API. Handler in lib/http/endpoints/admin-webhooks.ts.
import { adminWebhooksEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(adminWebhooksEndpoint.replay.POST);
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
