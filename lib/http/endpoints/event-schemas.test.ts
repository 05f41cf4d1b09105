// The event schemas' public endpoints: the index lists every catalogue type with its version and
// schema; one type's schema by name; an unknown type is an RFC 9457 problem (404).
import { describe, expect, it } from "vitest";
import { EVENT_VERSIONS, IDENTITY_EVENT_TYPES } from "@/lib/events";
import { GET_INDEX, GET_ONE } from "./event-schemas";

const get = (path: string) => ({ method: "GET", url: `http://localhost${path}`, headers: new Headers(), text: async () => "" });

describe("GET /api/events/v1/schemas", () => {
  it("lists every type with its version, description and schema", () => {
    const res = GET_INDEX();
    expect(res.status).toBe(200);
    expect(res.headers["Content-Type"]).toBe("application/json");
    const { schemas } = JSON.parse(res.body!) as { schemas: { type: string; version: number; description: string; schema: Record<string, unknown> }[] };
    expect(schemas.map((s) => s.type)).toEqual(IDENTITY_EVENT_TYPES);
    for (const s of schemas) {
      expect(s.version).toBe(EVENT_VERSIONS[s.type as keyof typeof EVENT_VERSIONS]);
      expect(s.description.length).toBeGreaterThan(0);
      expect(s.schema).toMatchObject({ $id: `urn:portico:events:${s.type}:v${s.version}`, type: "object", additionalProperties: false });
      expect((s.schema.properties as Record<string, unknown>).type).toEqual({ const: s.type });
    }
  });
});

describe("GET /api/events/v1/schemas/<type>", () => {
  it("answers one type's schema; application events have no person", () => {
    const res = GET_ONE(get("/api/events/v1/schemas/application.created"));
    expect(res.status).toBe(200);
    expect(res.headers["Content-Type"]).toBe("application/schema+json");
    const schema = JSON.parse(res.body!);
    expect(schema.$id).toBe("urn:portico:events:application.created:v1");
    expect(schema.properties.userId).toEqual({ type: "null" });
    expect(schema.properties.data).toMatchObject({ required: ["clientId"], additionalProperties: false });
    expect(JSON.parse(GET_ONE(get("/api/events/v1/schemas/user.created")).body!).properties.userId).toEqual({ type: "string", format: "uuid" });
  });

  it("an unknown type is a problem (404)", () => {
    for (const path of ["/api/events/v1/schemas/user.nothing", "/api/events/v1/schemas/%E0%A4%A", "/api/events/v1/schemas/constructor"]) {
      const res = GET_ONE(get(path));
      expect(res.status).toBe(404);
      expect(res.headers["Content-Type"]).toBe("application/problem+json");
      expect(JSON.parse(res.body!)).toMatchObject({ type: "about:blank", title: "Not Found", status: 404 });
    }
  });
});
