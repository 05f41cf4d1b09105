// GET /api/consent/v1/openapi.json: the OpenAPI 3.1 description of the consent API. Each resource
// module adds its paths here when it is added (test: openapi.test.ts checks that every route file
// under app/api/consent/v1 is described, and nothing else).
import "server-only";
import { CONSENT_READ_SCOPE, CONSENT_WRITE_SCOPE, endpoint, issuer, SCOPE_DESCRIPTIONS } from "@/lib/oidc";
import { COLLECTION_METHODS } from "@/lib/consents";
import { NO_STORE, type EndpointResult } from "../result";
import { API_BASE, PROBLEM_TYPES, problemTypeUri, type ProblemType } from "./problem";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemResponse = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const jsonResponse = (description: string, schema: object) => ({ description, content: { "application/json": { schema } } });
const authProblems = {
  "401": problemResponse("No token, or an invalid, expired or revoked one (with a WWW-Authenticate Bearer challenge, RFC 6750 §3)."),
  "403": problemResponse("The token lacks the operation's scope (insufficient_scope), or the user's account is closed."),
};
const secured = (scope: string) => [{ oauth2: [scope] }];
const purposeParam = { name: "purpose", in: "path", required: true, description: "The purpose's key.", schema: { type: "string" } };

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Portico consent API",
      version: "1.0.0",
      description:
        "Processing purposes, the consent and the communication preferences of the user an application acts for (the subject of its access token). Every consent given or withdrawn gets a Kantara Consent Receipt 1.1 signed as a JWS; verify it against the receipt keys (/receipt-keys: every key that ever signed, while jwks_uri drops rotated-out keys). Errors are RFC 7807 problem details.",
    },
    servers: [{ url: `${issuer()}${API_BASE}` }],
    paths: {
      "/purposes": {
        get: {
          operationId: "listPurposes",
          summary: "The processing purposes, each with its current version",
          security: secured(CONSENT_READ_SCOPE),
          responses: { "200": jsonResponse("The purposes.", { type: "object", required: ["purposes"], properties: { purposes: { type: "array", items: ref("Purpose") } } }), ...authProblems },
        },
      },
      "/consents": {
        get: {
          operationId: "listConsents",
          summary: "The user's consent decisions",
          security: secured(CONSENT_READ_SCOPE),
          responses: { "200": jsonResponse("One decision per purpose the user decided about.", { type: "object", required: ["consents"], properties: { consents: { type: "array", items: ref("Consent") } } }), ...authProblems },
        },
        post: {
          operationId: "recordConsent",
          summary: "Record a consent the application collected itself (the application is named the collector in the receipt)",
          security: secured(CONSENT_WRITE_SCOPE),
          requestBody: { required: true, content: { "application/json": { schema: ref("ConsentRequest") } } },
          responses: {
            "201": jsonResponse("Recorded, with its receipt.", ref("ConsentOutcome")),
            "200": jsonResponse("Already so: nothing new recorded (receipt null).", ref("ConsentOutcome")),
            "400": problemResponse("The body is not JSON or does not match ConsentRequest."),
            ...authProblems,
            "409": problemResponse("The purpose is not based on consent."),
            "415": problemResponse("The body is not application/json."),
            "422": problemResponse("No such purpose, or no such version of it."),
          },
        },
      },
      "/consents/{purpose}": {
        delete: {
          operationId: "withdrawConsent",
          summary: "Withdraw the user's consent to a purpose",
          security: secured(CONSENT_WRITE_SCOPE),
          parameters: [purposeParam],
          responses: {
            "200": jsonResponse("Withdrawn, with its receipt (null when it was not given).", ref("ConsentOutcome")),
            ...authProblems,
            "404": problemResponse("No such purpose."),
            "409": problemResponse("The purpose is not based on consent."),
          },
        },
      },
      "/receipts": {
        get: {
          operationId: "listReceipts",
          summary: "The user's consent receipts, newest first",
          security: secured(CONSENT_READ_SCOPE),
          responses: { "200": jsonResponse("The receipts.", { type: "object", required: ["receipts"], properties: { receipts: { type: "array", items: ref("Receipt") } } }), ...authProblems },
        },
      },
      "/receipts/{id}": {
        get: {
          operationId: "getReceipt",
          summary: "One of the user's consent receipts",
          security: secured(CONSENT_READ_SCOPE),
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { "200": jsonResponse("The receipt.", ref("Receipt")), ...authProblems, "404": problemResponse("No such receipt for this user.") },
        },
      },
      "/receipt-keys": {
        get: {
          operationId: "getReceiptKeys",
          summary: "The JWK Set that verifies every receipt Portico signed, keys rotated out of jwks_uri included",
          security: [],
          responses: { "200": { description: "A JWK Set (RFC 7517 §5): public members, kid, alg, use.", content: { "application/jwk-set+json": { schema: { type: "object", required: ["keys"], properties: { keys: { type: "array", items: { type: "object" } } } } } } } },
        },
      },
      "/problems": {
        get: {
          operationId: "listProblemTypes",
          summary: "The documentation of every problem type this API answers with",
          security: [],
          responses: { "200": { description: "An HTML page, one section per problem type.", content: { "text/html": { schema: { type: "string" } } } } },
        },
      },
      "/problems/{type}": {
        get: {
          operationId: "getProblemType",
          summary: "The documentation of one problem type (what a problem's type URI resolves to)",
          security: [],
          parameters: [{ name: "type", in: "path", required: true, schema: { type: "string", enum: Object.keys(PROBLEM_TYPES) } }],
          responses: { "200": { description: "An HTML page: title, status, what it means and what to do.", content: { "text/html": { schema: { type: "string" } } } }, "404": problemResponse("No such problem type.") },
        },
      },
      "/preferences": {
        get: {
          operationId: "getPreferences",
          summary: "The user's communication preferences: every topic with the choice per channel",
          security: secured(CONSENT_READ_SCOPE),
          responses: { "200": jsonResponse("Every topic; a channel the user never chose follows the topic's default (chosen: false).", { type: "object", required: ["preferences"], properties: { preferences: { type: "array", items: ref("TopicPreferences") } } }), ...authProblems },
        },
        patch: {
          operationId: "updatePreferences",
          summary: "Change some of the user's choices; the others stay as they are",
          security: secured(CONSENT_WRITE_SCOPE),
          requestBody: { required: true, content: { "application/json": { schema: ref("PreferencesPatch") } } },
          responses: {
            "200": jsonResponse("The pairs whose choice changed, and every topic after the change.", { type: "object", required: ["changed", "preferences"], properties: { changed: { type: "array", items: ref("PreferenceChange") }, preferences: { type: "array", items: ref("TopicPreferences") } } }),
            "400": problemResponse("The body is malformed (unknown members, wrong types, a pair both chosen and refused)."),
            ...authProblems,
            "415": problemResponse("The body is not application/json."),
            "422": problemResponse("An unknown topic or channel, or a channel the topic is not sent by; nothing was changed."),
          },
        },
      },
      "/openapi.json": {
        get: { operationId: "openApi", summary: "This description", security: [], responses: { "200": jsonResponse("OpenAPI 3.1.", { type: "object" }) } },
      },
    },
    components: {
      securitySchemes: {
        oauth2: {
          type: "oauth2",
          description: "An access token from Portico's authorization code flow; its subject is the user the API reads and writes for.",
          flows: {
            authorizationCode: {
              authorizationUrl: endpoint("authorization"),
              tokenUrl: endpoint("token"),
              scopes: { [CONSENT_READ_SCOPE]: SCOPE_DESCRIPTIONS[CONSENT_READ_SCOPE], [CONSENT_WRITE_SCOPE]: SCOPE_DESCRIPTIONS[CONSENT_WRITE_SCOPE] },
            },
          },
        },
      },
      schemas: {
        Purpose: {
          type: "object",
          required: ["key", "name", "legal_basis", "consent_based", "data_categories", "retention", "offered_at_registration", "current_version"],
          properties: {
            key: { type: "string" },
            name: { type: "string" },
            legal_basis: { enum: ["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"], description: "GDPR art. 6(1)." },
            consent_based: { type: "boolean" },
            data_categories: { type: "array", items: { type: "string" } },
            retention: { type: "string" },
            third_party: { type: ["string", "null"] },
            offered_at_registration: { type: "boolean", description: "Offered, unticked, on Portico's registration form (consent-based purposes only)." },
            current_version: { type: "object", required: ["version", "text", "published_at"], properties: { version: { type: "integer" }, text: { type: "string" }, published_at: { type: "string", format: "date-time" } } },
          },
        },
        Consent: {
          type: "object",
          required: ["purpose", "status", "version", "at", "collection_method"],
          properties: {
            purpose: { type: "string" },
            status: { enum: ["given", "withdrawn"] },
            version: { type: "integer", description: "The version of the purpose's text the decision was about." },
            at: { type: "string", format: "date-time" },
            collection_method: { enum: [...COLLECTION_METHODS] },
            collector_client_id: { type: ["string", "null"] },
            receipt_id: { type: ["string", "null"], format: "uuid" },
          },
        },
        ConsentRequest: {
          type: "object",
          additionalProperties: false,
          required: ["purpose"],
          properties: { purpose: { type: "string", description: "The purpose's key." }, version: { type: "integer", minimum: 1, description: "The version the user was shown; the current one when absent." } },
        },
        ConsentOutcome: {
          type: "object",
          required: ["consent", "receipt"],
          properties: { consent: ref("Consent"), receipt: { oneOf: [{ type: "null" }, { type: "object", required: ["id", "jws"], properties: { id: { type: "string", format: "uuid" }, jws: { type: "string" } } }] } },
        },
        Receipt: {
          type: "object",
          required: ["id", "purpose", "version", "action", "at", "jws", "receipt"],
          properties: {
            id: { type: "string", format: "uuid" },
            purpose: { type: "string" },
            version: { type: "integer" },
            action: { enum: ["given", "withdrawn"] },
            at: { type: "string", format: "date-time" },
            collector_client_id: { type: ["string", "null"] },
            jws: { type: "string", description: "Compact JWS, header typ consent-receipt+jwt; verify with the key of its kid in /receipt-keys." },
            receipt: { type: "object", description: "The JWS payload: a Kantara Consent Receipt 1.1 (version, jurisdiction, consentTimestamp, collectionMethod, consentReceiptID, language, piiPrincipalId, piiControllers, policyUrl, services, sensitive, spiCat)." },
          },
        },
        PreferenceChange: {
          type: "object",
          additionalProperties: false,
          required: ["topic", "channel", "opted_in"],
          properties: { topic: { type: "string", description: "The topic's key." }, channel: { enum: ["email", "sms", "push"] }, opted_in: { type: "boolean" } },
        },
        PreferencesPatch: {
          type: "object",
          additionalProperties: false,
          required: ["changes"],
          properties: { changes: { type: "array", minItems: 1, maxItems: 500, items: ref("PreferenceChange") } },
        },
        TopicPreferences: {
          type: "object",
          required: ["topic", "label", "description", "marketing", "channels"],
          properties: {
            topic: { type: "string" },
            label: { type: "string" },
            description: { type: "string" },
            marketing: { type: "boolean" },
            channels: {
              type: "array",
              items: {
                type: "object",
                required: ["channel", "opted_in", "chosen", "updated_at"],
                properties: { channel: { enum: ["email", "sms", "push"] }, opted_in: { type: "boolean" }, chosen: { type: "boolean", description: "False while the topic's default applies." }, updated_at: { type: ["string", "null"], format: "date-time" } },
              },
            },
          },
        },
        Problem: {
          type: "object",
          description: `RFC 9457 (formerly RFC 7807); each type URI resolves to its documentation. Types: ${(Object.keys(PROBLEM_TYPES) as ProblemType[]).map((t) => problemTypeUri(t)).join(", ")}.`,
          required: ["type", "title", "status", "detail"],
          properties: { type: { type: "string", format: "uri" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" } },
        },
      },
    },
    externalDocs: { description: "JWK Set of the receipts' signing keys", url: `${issuer()}${API_BASE}/receipt-keys` },
  };
}

export function GET(): EndpointResult {
  return { status: 200, headers: { "Content-Type": "application/json", ...NO_STORE }, body: JSON.stringify(openApiDocument()) };
}
