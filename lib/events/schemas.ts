// The JSON Schema (draft 2020-12) of each identity event type's envelope (`eventEnvelope` in
// catalog.ts), versioned with EVENT_VERSIONS: a subscriber validates what it receives against the
// schema of the event's `type` and `version`. Served read-only at /api/events/v1/schemas
// (lib/http/endpoints/event-schemas.ts) and described for integrators in docs/events.md.
// `$id` is a URN (RFC 8141), so nothing here points anywhere: `urn:portico:events:<type>:v<version>`.
import { EVENT_VERSIONS, EVENTS_WITHOUT_PERSON, IDENTITY_EVENT_TYPES, type IdentityEventType } from "./catalog";

export type JsonSchema = Record<string, unknown>;

const UUID: JsonSchema = { type: "string", format: "uuid" };
const DATE_TIME: JsonSchema = { type: "string", format: "date-time" };
/** A code (a reason, a field name): never a personal value. */
const CODE: JsonSchema = { type: "string", minLength: 1, maxLength: 100 };
const CLIENT_ID: JsonSchema = { type: "string", minLength: 1, maxLength: 255 };
const FIELDS: JsonSchema = { type: "array", items: CODE, minItems: 1 };
const FACTOR_KIND: JsonSchema = { enum: ["totp", "passkey", "sms", "recovery_codes"] };

interface DataSchema {
  description: string;
  properties: Record<string, JsonSchema>;
  required: string[];
}

const data = (description: string, properties: Record<string, JsonSchema> = {}, required: string[] = Object.keys(properties)): DataSchema => ({ description, properties, required });

const CONSENT = { purpose: CODE, version: { type: "integer", minimum: 1 }, receiptId: UUID, collectorClientId: CLIENT_ID };
const ROLE = { clientId: CLIENT_ID, role: { type: "string", minLength: 1, maxLength: 100 }, groupId: UUID };

/** Each type's `data`: what it describes and its members (the catalogue's IdentityEventData). */
export const EVENT_DATA_SCHEMAS: Record<IdentityEventType, DataSchema> = {
  "user.created": data("An account came into being; source says how.", { source: { enum: ["registration", "admin", "invitation", "scim", "import", "federation"] } }),
  "user.profile_updated": data("The profile changed; fields names what changed (email: the sign-in address).", { fields: FIELDS }),
  "user.disabled": data("The account was disabled: it cannot sign in.", { by: { enum: ["admin", "scim"] } }),
  "user.enabled": data("The account was enabled again.", { by: { enum: ["admin", "scim"] } }),
  "user.email_verified": data("The sign-in address was proved."),
  "user.password_changed": data("The password was set or changed; method says how.", { method: { enum: ["change", "reset", "admin", "scim"] } }),
  "user.factor_added": data("A sign-in factor was added.", { kind: FACTOR_KIND, factorId: UUID }, ["kind"]),
  "user.factor_removed": data("A sign-in factor was removed.", { kind: FACTOR_KIND, factorId: UUID }, ["kind"]),
  "user.signed_in": data("A sign-in completed: the methods used (OIDC amr values) and the application, if one asked.", { amr: { type: "array", items: CODE, minItems: 1 }, clientId: CLIENT_ID }, ["amr"]),
  "user.sign_in_failed": data("A sign-in to this existing account failed; reason is a code.", { reason: CODE }),
  "user.locked": data("The account was locked against sign-in.", { reason: CODE, until: DATE_TIME }, ["reason"]),
  "user.export_requested": data("A copy of the customer's data was asked for (GDPR art. 20).", { exportId: UUID }),
  "user.deletion_requested": data("The account is closed and will be erased after the grace period (GDPR art. 17).", { eraseAfter: DATE_TIME }),
  "user.deletion_cancelled": data("A requested deletion was cancelled."),
  "user.preferences_updated": data("Communication preferences changed: the topic/channel pairs whose choice changed.", {
    pairs: { type: "array", minItems: 1, items: { type: "object", properties: { topic: CODE, channel: CODE }, required: ["topic", "channel"], additionalProperties: false } },
  }),
  "user.deleted": data("The account's personal data is gone; subscribers should erase their copies."),
  "user.consent_given": data("Consent to a processing purpose was given.", CONSENT, ["purpose", "version", "receiptId"]),
  "user.consent_withdrawn": data("Consent to a processing purpose was withdrawn (GDPR art. 7(3)).", CONSENT, ["purpose", "version", "receiptId"]),
  "group.membership_changed": data("The person joined or left a group.", { groupId: UUID, change: { enum: ["added", "removed"] } }),
  "role.assigned": data("An application role was given to the person, directly or (groupId) through a group.", ROLE, ["clientId", "role"]),
  "role.unassigned": data("An application role was taken from the person, directly or (groupId) through a group.", ROLE, ["clientId", "role"]),
  "application.created": data("An application was registered (no person: userId is null).", { clientId: CLIENT_ID }),
  "application.updated": data("An application's settings changed; fields names them (no person: userId is null).", { clientId: CLIENT_ID, fields: FIELDS }),
  "risk.alert": data("The risk engine scored a sign-in high.", { assessmentId: UUID, score: { type: "number" }, band: CODE, action: CODE }),
};

export function eventSchemaId(type: IdentityEventType): string {
  return `urn:portico:events:${type}:v${EVENT_VERSIONS[type]}`;
}

/** The envelope's schema for one type (JSON Schema draft 2020-12). */
export function eventSchema(type: IdentityEventType): JsonSchema {
  const d = EVENT_DATA_SCHEMAS[type];
  return {
    // JSON Schema Core (draft 2020-12) §8.1.1: the dialect's identifier.
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: eventSchemaId(type),
    title: `${type} (version ${EVENT_VERSIONS[type]})`,
    description: d.description,
    type: "object",
    properties: {
      id: UUID,
      type: { const: type },
      version: { const: EVENT_VERSIONS[type] },
      timestamp: DATE_TIME,
      userId: EVENTS_WITHOUT_PERSON.includes(type) ? { type: "null" } : UUID,
      data: { type: "object", properties: d.properties, required: d.required, additionalProperties: false },
    },
    required: ["id", "type", "version", "timestamp", "userId", "data"],
    additionalProperties: false,
  };
}

export interface EventSchemaEntry {
  type: IdentityEventType;
  version: number;
  description: string;
  schema: JsonSchema;
}

/** Every type's schema, in catalogue order. */
export function eventSchemaIndex(): EventSchemaEntry[] {
  return IDENTITY_EVENT_TYPES.map((type) => ({ type, version: EVENT_VERSIONS[type], description: EVENT_DATA_SCHEMAS[type].description, schema: eventSchema(type) }));
}
