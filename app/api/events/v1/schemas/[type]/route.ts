// One identity event type's JSON Schema (404 problem for an unknown type). Handler in lib/http/endpoints/event-schemas.ts.
import { eventSchemasEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(eventSchemasEndpoint.GET_ONE);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
