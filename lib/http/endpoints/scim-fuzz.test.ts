// Property-based fuzz of the SCIM API (fast-check), as a broken or hostile provisioning client
// would send: random methods and paths, filters and attribute lists made of grammar fragments and
// hostile strings, JSON bodies with wrong types, unknown and case-mangled attributes, PatchOps and
// BulkRequests with junk operations, invalid JSON. Two properties per request:
//   1. never a 5xx: every refusal is a SCIM error message (RFC 7644 §3.12);
//   2. a refusal changes nothing but the request's own audit event and the token's rate-limit
//      counter (every request is audited, refused or not).
// Bounded with a fixed seed (FUZZ_SEED, FUZZ_RUNS explore further).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { changedTables, snapshotDatabase } from "@/test/db-snapshot";
import { createProvisioningToken } from "@/lib/provisioning";
import { handle } from "./scim";

useTestDatabase();

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
/** What any request may write: its audit event, the rate-limit counter, the token's last use. */
const ALWAYS_WRITTEN = new Set(["AuditEvent", "RateLimiterFlexible", "ProvisioningToken"]);

let token = "";
let userId = "";
let groupId = "";

beforeAll(async () => {
  token = (await createProvisioningToken({ operator: "fuzz" }, { name: "Fuzz", write: true, lifetimeDays: 1 }, {})).token;
  const created = await handle(jsonRequest("POST", "/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "fuzz-target", emails: [{ value: "fuzz-target@example.com", primary: true, type: "work" }] }));
  userId = (JSON.parse(created.body!) as { id: string }).id;
  const group = await handle(jsonRequest("POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Fuzz group", members: [{ value: userId }] }));
  groupId = (JSON.parse(group.body!) as { id: string }).id;
});

function jsonRequest(method: string, path: string, body?: unknown, raw?: string): Request {
  const text = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  return new Request(`http://localhost/scim/v2${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(text !== undefined ? { "content-type": "application/scim+json" } : {}) }, body: text });
}

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("\u0000", "a\uD800b", "'; DROP TABLE \"User\"; --", '" or "1"="1', "%", "_", "\\", "😀", "a".repeat(3000), "urn:ietf:params:scim:schemas:core:2.0:User:", "[", "]", "(", ")", "..", "bulkId:x"),
);
const attributeName = fc.constantFrom("userName", "USERNAME", "name.familyName", "emails", "emails.value", "emails[type eq \"work\"].value", "members", "members[value eq \"x\"]", "active", "meta.created", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "id", "groups", "password", "unknownAttr");
const op = fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "and", "or", "not", "EQ", "zz");
const filterFragment = fc.array(fc.oneof(attributeName, op, hostile.map((h) => JSON.stringify(h)), hostile, fc.constantFrom("(", ")", "[", "]", "true", "false", "null", "42")), { maxLength: 8 }).map((parts) => parts.join(" "));
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, hostile, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.oneof(attributeName, hostile), tie("value"), { maxKeys: 4 })),
})).value;
const userResource = fc.record({ schemas: fc.constant(["urn:ietf:params:scim:schemas:core:2.0:User"]), userName: hostile, displayName: hostile, emails: fc.array(fc.record({ value: hostile, type: hostile, primary: fc.boolean() }), { maxLength: 2 }) }, { requiredKeys: ["userName"] });
const groupResource = fc.record({ schemas: fc.constant(["urn:ietf:params:scim:schemas:core:2.0:Group"]), displayName: hostile, members: fc.array(fc.record({ value: fc.oneof(hostile, fc.uuid()), display: hostile }), { maxLength: 2 }) }, { requiredKeys: ["displayName"] });
const resourceBody = fc.oneof(
  userResource,
  groupResource,
  fc.dictionary(fc.oneof(attributeName, fc.constantFrom("schemas", "Emails", "Active", "displayName", "externalId", "Operations", "failOnErrors")), jsonValue, { maxKeys: 6 }),
);
const patchBody = fc.record({
  schemas: fc.oneof(fc.constant(["urn:ietf:params:scim:api:messages:2.0:PatchOp"]), jsonValue),
  Operations: fc.oneof(fc.array(fc.record({ op: fc.oneof(fc.constantFrom("add", "remove", "replace", "Replace"), hostile), path: fc.oneof(attributeName, filterFragment, hostile), value: jsonValue }, { requiredKeys: [] }), { maxLength: 4 }), jsonValue),
});
const bulkBody = fc.record({
  schemas: fc.oneof(fc.constant(["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]), jsonValue),
  failOnErrors: fc.oneof(fc.integer({ min: -1, max: 3 }), jsonValue),
  Operations: fc.array(fc.record({ method: fc.oneof(fc.constantFrom("POST", "PUT", "PATCH", "DELETE"), hostile), path: fc.oneof(fc.constantFrom("/Users", "/Groups", "/Bulk", "/Users/bulkId:a"), hostile), bulkId: fc.oneof(fc.constantFrom("a", "b"), hostile), data: jsonValue }, { requiredKeys: [] }), { maxLength: 4 }),
});

interface FuzzRequest {
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
}

const paths = () => fc.constantFrom("/Users", "/Groups", `/Users/${userId}`, `/Groups/${groupId}`, "/Users/not-a-uuid", "/Users/00000000-0000-4000-8000-000000000000", "/Bulk", "/Users/.search", "/Schemas/x", "/ResourceTypes/User", "/Nope");

function requests(): fc.Arbitrary<FuzzRequest> {
  const query = fc.record({ filter: filterFragment, attributes: fc.array(attributeName, { maxLength: 3 }).map((a) => a.join(",")), sortBy: fc.oneof(attributeName, hostile), startIndex: fc.oneof(fc.integer(), hostile), count: fc.oneof(fc.integer(), hostile) }, { requiredKeys: [] });
  return fc.oneof(
    fc.tuple(fc.constantFrom("/Users", "/Groups", `/Users/${userId}`), query).map(([path, q]) => ({ method: "GET", path: `${path}?${new URLSearchParams(Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)]))).toString()}` })),
    fc.tuple(fc.constantFrom("POST", "PUT"), paths(), resourceBody).map(([method, path, body]) => ({ method, path, body })),
    // Writes that reach the database: a user or group resource sent where it belongs.
    fc.tuple(fc.constantFrom<[string, string]>(["POST", "/Users"], ["PUT", "/Users/"]), userResource).map(([[method, path], body]) => ({ method, path: path.endsWith("/") ? `${path}${userId}` : path, body })),
    fc.tuple(fc.constantFrom<[string, string]>(["POST", "/Groups"], ["PUT", "/Groups/"]), groupResource).map(([[method, path], body]) => ({ method, path: path.endsWith("/") ? `${path}${groupId}` : path, body })),
    fc.tuple(paths(), patchBody).map(([path, body]) => ({ method: "PATCH", path, body })),
    bulkBody.map((body) => ({ method: "POST", path: "/Bulk", body })),
    fc.tuple(fc.constantFrom("POST", "PUT", "PATCH"), paths(), fc.string({ maxLength: 60 })).map(([method, path, raw]) => ({ method, path, raw })),
  );
}

describe("fuzzing the SCIM API: never a 5xx, never a change on a refusal", () => {
  it("holds for random requests", async () => {
    let before = await snapshotDatabase();
    await fc.assert(
      fc.asyncProperty(requests(), async (r) => {
        const res = await handle(jsonRequest(r.method, r.path, r.body, r.raw));
        expect(res.status, `${r.method} ${r.path}`).toBeLessThan(500);
        const after = await snapshotDatabase();
        const changed = changedTables(before, after).filter((t) => !ALWAYS_WRITTEN.has(t));
        before = after;
        if (res.status >= 400) {
          expect(JSON.parse(res.body!).schemas, `${r.method} ${r.path} ${res.status}`).toEqual([ERROR_SCHEMA]);
          expect(changed, `${r.method} ${r.path} answered ${res.status} and changed ${changed.join(", ")}`).toEqual([]);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
