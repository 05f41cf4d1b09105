// GET /api/events/v1/schemas: the JSON Schema (draft 2020-12) of every identity event type's
// envelope, with its version and what it describes; GET /api/events/v1/schemas/<type>: one type's.
// Public and read-only (the schemas describe shapes, nothing about anyone), cacheable; an unknown
// type is an RFC 9457 problem (404). docs/events.md describes the catalogue.
import "server-only";
import { eventSchema, eventSchemaIndex, isIdentityEventType } from "@/lib/events";
import { CORS_HEADERS } from "./cors";
import { aboutBlankProblem, type EndpointRequest, type EndpointResult } from "./result";

const PREFIX = "/api/events/v1/schemas/";

function json(body: unknown, contentType = "application/json"): EndpointResult {
  return {
    status: 200,
    headers: { "Content-Type": contentType, "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff", ...CORS_HEADERS },
    body: JSON.stringify(body),
  };
}

export function GET_INDEX(): EndpointResult {
  return json({ schemas: eventSchemaIndex() });
}

/** The type is the path's last segment (percent-decoded; RFC 3986 §2.1). */
export function GET_ONE(request: EndpointRequest): EndpointResult {
  const path = new URL(request.url, "http://portico.invalid").pathname;
  let type = path.startsWith(PREFIX) ? path.slice(PREFIX.length) : "";
  try {
    type = decodeURIComponent(type);
  } catch {
    type = "";
  }
  if (!isIdentityEventType(type)) {
    return aboutBlankProblem(404, "Not Found", "There is no identity event type of this name: GET /api/events/v1/schemas lists them.", {}, CORS_HEADERS);
  }
  // A schema document: the media type JSON Schema Core (draft 2020-12) registers for it.
  return json(eventSchema(type), "application/schema+json");
}
