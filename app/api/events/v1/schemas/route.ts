// Every identity event type's JSON Schema, with its version. Handler in lib/http/endpoints/event-schemas.ts.
import { eventSchemasEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(eventSchemasEndpoint.GET_INDEX);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
