// The SCIM 2.0 API (RFC 7644) below HTTP: the framework-free `handle` driven with web Requests and
// real provisioning tokens on a fresh database. Authentication and scopes, the User and Group
// resources with their ETags, PATCH, filters and pagination, staff kept out of reach, the sign-in
// address and password rules, the audit trail and the discovery resources.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications";
import { reloadConfig } from "@/lib/config";
import { ensureSigningKeys } from "@/lib/keys";
import { authorize, grantConsent, handleTokenRequest } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { createSession, validateSession } from "@/lib/sessions";
import { useTestDatabase } from "@/test/db";
import { createProvisioningToken, revokeProvisioningToken } from "@/lib/provisioning";
import { markUserForDeletion } from "@/lib/scim";
import { eraseProvisionedAccount } from "@/lib/sign-in";
import { handle } from "./scim";
import type { EndpointResult } from "./result";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const BASE = "http://localhost/scim/v2";
const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

type Json = Record<string, unknown>;

let writer: { token: string; id: string };
let reader: { token: string; id: string };

beforeAll(async () => {
  writer = await createProvisioningToken({ operator: "test" }, { name: "Entra", write: true, lifetimeDays: 30 }, {});
  reader = await createProvisioningToken({ operator: "test" }, { name: "Reader", write: false, lifetimeDays: 30 }, {});
});

interface CallOptions {
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

function call(method: string, path: string, opts: CallOptions = {}): Promise<EndpointResult> {
  const token = opts.token === undefined ? writer.token : opts.token;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = "application/scim+json";
  return handle(new Request(`${BASE}${path}`, { method, headers, body }));
}

const bodyOf = (res: EndpointResult): Json => JSON.parse(res.body!) as Json;

function scimErrorOf(res: EndpointResult, status: number, scimType?: string): Json {
  expect(res.status).toBe(status);
  expect(res.headers["Content-Type"]).toBe("application/scim+json");
  const body = bodyOf(res);
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe("string");
  if (scimType) expect(body.scimType).toBe(scimType);
  return body;
}

const unique = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString("hex")}`;

async function createUser(resource: Json): Promise<Json> {
  const res = await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], ...resource } });
  expect(res.status, res.body ?? "").toBe(201);
  return bodyOf(res);
}

const listUsers = async (query: Record<string, string>, token?: string) => {
  const res = await call("GET", `/Users?${new URLSearchParams(query).toString()}`, { token });
  return { res, body: res.status === 200 ? bodyOf(res) : ({} as Json) };
};

const idsOf = (list: Json) => (list.Resources as Json[]).map((r) => r.id as string);
const userNamesOf = (list: Json) => (list.Resources as Json[]).map((r) => r.userName as string);

const patchOp = (...Operations: Json[]) => ({ schemas: [PATCH_SCHEMA], Operations });

describe("authentication", () => {
  function unauthorized(res: EndpointResult) {
    scimErrorOf(res, 401);
    expect(res.headers["WWW-Authenticate"]).toMatch(/^Bearer\b/);
  }

  it("401 with a Bearer challenge and the SCIM error schema without a token", async () => {
    unauthorized(await call("GET", "/Users", { token: null }));
  });

  it("401 for a token that is not ours, in and out of the token's shape", async () => {
    unauthorized(await call("GET", "/Users", { token: "not-a-token" }));
    unauthorized(await call("GET", "/Users", { token: `portico_scim_${"A".repeat(43)}` }));
  });

  it("401 for a revoked token (which worked before the revocation)", async () => {
    const revoked = await createProvisioningToken({ operator: "test" }, { name: "Soon revoked", write: true, lifetimeDays: 30 }, {});
    expect((await call("GET", "/Users", { token: revoked.token })).status).toBe(200);
    await revokeProvisioningToken(admin, revoked.id, {});
    unauthorized(await call("GET", "/Users", { token: revoked.token }));
  });

  it("401 for an expired token, made in the past or expired afterwards", async () => {
    const past = await createProvisioningToken({ operator: "test" }, { name: "Old", write: true, lifetimeDays: 1 }, {}, new Date(Date.now() - 2 * 86_400_000));
    unauthorized(await call("GET", "/Users", { token: past.token }));
    const later = await createProvisioningToken({ operator: "test" }, { name: "Expires", write: true, lifetimeDays: 30 }, {});
    expect((await call("GET", "/Users", { token: later.token })).status).toBe(200);
    await t.db().provisioningToken.update({ where: { id: later.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    unauthorized(await call("GET", "/Users", { token: later.token }));
  });

  it("a read-only token reads (200) but may not create (403, nothing created)", async () => {
    expect((await call("GET", "/Users", { token: reader.token })).status).toBe(200);
    const userName = unique("readonly");
    scimErrorOf(await call("POST", "/Users", { token: reader.token, body: { schemas: [USER_SCHEMA], userName } }), 403);
    expect(await t.db().user.count({ where: { userName } })).toBe(0);
  });
});

describe("Users: create and read", () => {
  it("POST answers 201 with Location and ETag equal to meta.location and meta.version; GET by id reads it back", async () => {
    const userName = unique("ada");
    const res = await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName, displayName: "Ada Lovelace", name: { givenName: "Ada", familyName: "Lovelace" } } });
    expect(res.status).toBe(201);
    const created = bodyOf(res);
    const meta = created.meta as Json;
    expect(created.userName).toBe(userName);
    expect(created.active).toBe(true);
    expect(meta.location).toBe(`http://localhost:3000/scim/v2/Users/${String(created.id)}`);
    expect(res.headers.Location).toBe(meta.location);
    expect(res.headers.ETag).toBe(meta.version);
    expect(String(meta.version)).toMatch(/^W\/"/);

    const got = await call("GET", `/Users/${String(created.id)}`);
    expect(got.status).toBe(200);
    expect(bodyOf(got)).toMatchObject({ id: created.id, userName, displayName: "Ada Lovelace", name: { givenName: "Ada", familyName: "Lovelace" } });
    expect(got.headers.ETag).toBe(meta.version);
  });

  it("userName is unique ignoring case: 409 uniqueness", async () => {
    const userName = unique("Grace");
    await createUser({ userName });
    scimErrorOf(await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: userName.toUpperCase() } }), 409, "uniqueness");
    expect(await t.db().user.count({ where: { userName: { equals: userName, mode: "insensitive" } } })).toBe(1);
  });

  it("broken JSON is 400 invalidSyntax", async () => {
    scimErrorOf(await call("POST", "/Users", { raw: '{"userName": "broken"' }), 400, "invalidSyntax");
  });

  it("a body over 1 MiB is 413 and creates nothing", async () => {
    const userName = unique("huge");
    const raw = JSON.stringify({ schemas: [USER_SCHEMA], userName, displayName: "x", title: "t".repeat(1_100_000) });
    scimErrorOf(await call("POST", "/Users", { raw }), 413);
    expect(await t.db().user.count({ where: { userName } })).toBe(0);
  });

  it("a body over 1 MiB through the fast path (a plain request, text() only) is 413 too", async () => {
    const userName = unique("hugefast");
    const raw = JSON.stringify({ schemas: [USER_SCHEMA], userName, title: "t".repeat(1_100_000) });
    const headers = new Headers({ authorization: `Bearer ${writer.token}`, "content-type": "application/scim+json" });
    const res = await handle({ method: "POST", url: "/scim/v2/Users", headers: { get: (name: string) => headers.get(name) }, text: () => Promise.resolve(raw) });
    scimErrorOf(res, 413);
    expect(await t.db().user.count({ where: { userName } })).toBe(0);
  });

  it("an attribute of the wrong type is 400 invalidValue", async () => {
    scimErrorOf(await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: 5 } }), 400, "invalidValue");
  });

  it("unknown attributes are ignored", async () => {
    const userName = unique("unknown");
    const created = await createUser({ userName, favouriteColour: "teal", "urn:example:nothing:2.0:User": { a: 1 } });
    expect(created.userName).toBe(userName);
    expect(created).not.toHaveProperty("favouriteColour");
    expect(JSON.stringify(created)).not.toContain("teal");
  });
});

describe("Users: ETags", () => {
  it("PUT with If-Match of the current version is 200 with a new ETag", async () => {
    const created = await createUser({ userName: unique("etag"), displayName: "Before" });
    const version = (created.meta as Json).version as string;
    const res = await call("PUT", `/Users/${String(created.id)}`, { headers: { "If-Match": version }, body: { schemas: [USER_SCHEMA], userName: created.userName, displayName: "After" } });
    expect(res.status).toBe(200);
    const body = bodyOf(res);
    expect(body.displayName).toBe("After");
    expect(res.headers.ETag).toBe((body.meta as Json).version);
    expect(res.headers.ETag).not.toBe(version);
  });

  it("PUT, PATCH and DELETE with a stale If-Match are 412 and leave the resource unchanged", async () => {
    const created = await createUser({ userName: unique("stale"), displayName: "One" });
    const id = String(created.id);
    const stale = (created.meta as Json).version as string;
    const moved = await call("PATCH", `/Users/${id}`, { body: patchOp({ op: "replace", path: "displayName", value: "Two" }) });
    expect(moved.status).toBe(204);
    const current = moved.headers.ETag;
    expect(current).toBeDefined();
    expect(current).not.toBe(stale);

    scimErrorOf(await call("PUT", `/Users/${id}`, { headers: { "If-Match": stale }, body: { schemas: [USER_SCHEMA], userName: created.userName, displayName: "Three" } }), 412);
    scimErrorOf(await call("PATCH", `/Users/${id}`, { headers: { "If-Match": stale }, body: patchOp({ op: "replace", path: "displayName", value: "Four" }) }), 412);
    scimErrorOf(await call("DELETE", `/Users/${id}`, { headers: { "If-Match": stale } }), 412);

    const got = await call("GET", `/Users/${id}`);
    expect(got.status).toBe(200);
    expect(bodyOf(got).displayName).toBe("Two");
    expect(got.headers.ETag).toBe(current);
  });
});

describe("Users: PATCH", () => {
  it("replace userName answers 204 with an ETag and no body", async () => {
    const created = await createUser({ userName: unique("patchme") });
    const renamed = unique("renamed");
    const res = await call("PATCH", `/Users/${String(created.id)}`, { body: patchOp({ op: "replace", path: "userName", value: renamed }) });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(res.headers.ETag).toMatch(/^W\/"/);
    const got = await call("GET", `/Users/${String(created.id)}`);
    expect(bodyOf(got).userName).toBe(renamed);
    expect(got.headers.ETag).toBe(res.headers.ETag);
  });

  it("with ?attributes=userName answers 200 with the resource", async () => {
    const created = await createUser({ userName: unique("attrs"), displayName: "Shown" });
    const renamed = unique("attrs2");
    const res = await call("PATCH", `/Users/${String(created.id)}?attributes=userName`, { body: patchOp({ op: "replace", path: "userName", value: renamed }) });
    expect(res.status).toBe(200);
    const body = bodyOf(res);
    expect(body.id).toBe(created.id);
    expect(body.userName).toBe(renamed);
    expect(res.headers.ETag).toMatch(/^W\/"/);
    expect((await call("GET", `/Users/${String(created.id)}`)).headers.ETag).toBe(res.headers.ETag);
  });

  it("with ?attributes=userName the resource answered is projected to userName (RFC 7644 §3.5.2, §3.9)", async () => {
    const created = await createUser({ userName: unique("proj"), displayName: "Not asked for" });
    const res = await call("PATCH", `/Users/${String(created.id)}?attributes=userName`, { body: patchOp({ op: "replace", path: "displayName", value: "Still not asked for" }) });
    expect(res.status).toBe(200);
    const body = bodyOf(res);
    expect(body.id).toBe(created.id);
    expect(body.userName).toBe(created.userName);
    expect(body).not.toHaveProperty("displayName");
    expect(body).not.toHaveProperty("name");
  });

  it("active: false deactivates the account", async () => {
    const created = await createUser({ userName: unique("deactivate") });
    const id = String(created.id);
    expect((await call("PATCH", `/Users/${id}`, { body: patchOp({ op: "replace", value: { active: false } }) })).status).toBe(204);
    expect(bodyOf(await call("GET", `/Users/${id}`)).active).toBe(false);
    expect((await t.db().user.findUniqueOrThrow({ where: { id } })).disabledAt).not.toBeNull();
  });

  it("replaces through a value-filter path: emails[type eq \"work\"].value", async () => {
    const created = await createUser({
      userName: unique("vpath"),
      emails: [
        { value: "home@vpath.example.org", type: "home" },
        { value: "old@vpath.example.org", type: "work" },
      ],
    });
    const id = String(created.id);
    const res = await call("PATCH", `/Users/${id}`, { body: patchOp({ op: "replace", path: 'emails[type eq "work"].value', value: "new@vpath.example.org" }) });
    expect(res.status).toBe(204);
    const emails = bodyOf(await call("GET", `/Users/${id}`)).emails as Json[];
    expect(emails).toHaveLength(2);
    expect(emails.find((e) => e.type === "work")?.value).toBe("new@vpath.example.org");
    expect(emails.find((e) => e.type === "home")?.value).toBe("home@vpath.example.org");
  });
});

describe("Users: filters and pagination", () => {
  const tag = crypto.randomBytes(3).toString("hex");
  const names = [`flt-${tag}-a`, `flt-${tag}-b`, `flt-${tag}-c`];
  const ids: string[] = [];
  beforeAll(async () => {
    ids.push(String((await createUser({ userName: names[0], emails: [{ value: `a.${tag}@example.com`, type: "work" }] })).id));
    ids.push(String((await createUser({ userName: names[1], emails: [{ value: `b.${tag}@example.net`, type: "work" }] })).id));
    ids.push(String((await createUser({ userName: names[2], emails: [{ value: `c.${tag}@example.com`, type: "home" }] })).id));
  });

  it('userName eq "..." finds exactly that user, ignoring case', async () => {
    const { res, body } = await listUsers({ filter: `userName eq "${names[1]!.toUpperCase()}"` });
    expect(res.status).toBe(200);
    expect(body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:ListResponse"]);
    expect(body.totalResults).toBe(1);
    expect(idsOf(body)).toEqual([ids[1]]);
  });

  it("a complex value filter on emails", async () => {
    const { res, body } = await listUsers({ filter: `emails[type eq "work" and value co "@example.com"] and userName sw "flt-${tag}"` });
    expect(res.status).toBe(200);
    expect(idsOf(body)).toEqual([ids[0]]);
  });

  it("an injection attempt matches nothing and is not an error", async () => {
    const { res, body } = await listUsers({ filter: 'userName eq "x\\" or \\"1\\"=\\"1"' });
    expect(res.status).toBe(200);
    expect(body.totalResults).toBe(0);
    expect(body.Resources).toEqual([]);
  });

  it("an invalid filter is 400 invalidFilter", async () => {
    const { res } = await listUsers({ filter: "userName eq" });
    scimErrorOf(res, 400, "invalidFilter");
    scimErrorOf((await listUsers({ filter: 'userName zz "a"' })).res, 400, "invalidFilter");
  });

  it("startIndex and count page the results", async () => {
    const { res, body } = await listUsers({ filter: `userName sw "flt-${tag}"`, startIndex: "2", count: "1" });
    expect(res.status).toBe(200);
    expect(body.totalResults).toBe(3);
    expect(body.itemsPerPage).toBe(1);
    expect(body.startIndex).toBe(2);
    expect(idsOf(body)).toHaveLength(1);
    const zero = (await listUsers({ filter: `userName sw "flt-${tag}"`, count: "0" })).body;
    expect(zero.totalResults).toBe(3);
    expect(zero.itemsPerPage).toBe(0);
    // The last, partial page and a page past the end still tell the whole total.
    const last = (await listUsers({ filter: `userName sw "flt-${tag}"`, startIndex: "3", count: "2" })).body;
    expect([last.totalResults, last.itemsPerPage]).toEqual([3, 1]);
    const past = (await listUsers({ filter: `userName sw "flt-${tag}"`, startIndex: "9", count: "2" })).body;
    expect([past.totalResults, past.itemsPerPage]).toEqual([3, 0]);
  });

  it("sortBy userName descending", async () => {
    const { body } = await listUsers({ filter: `userName sw "flt-${tag}"`, sortBy: "userName", sortOrder: "descending" });
    expect(userNamesOf(body)).toEqual([...names].reverse());
    const asc = (await listUsers({ filter: `userName sw "flt-${tag}"`, sortBy: "userName" })).body;
    expect(userNamesOf(asc)).toEqual(names);
  });
});

describe("staff are out of SCIM's reach", () => {
  let staffId: string;
  const staffName = unique("staff.member");
  beforeAll(async () => {
    const staff = await t.db().user.create({ data: { email: `${staffName}@example.com`, userName: staffName, displayName: "Staff Member" } });
    await t.db().userRole.create({ data: { userId: staff.id, role: "admin" } });
    staffId = staff.id;
  });

  it("is not listed, filtered or unfiltered", async () => {
    expect((await listUsers({ filter: `userName eq "${staffName}"` })).body.totalResults).toBe(0);
    const all = (await listUsers({ count: "200" })).body;
    expect(idsOf(all)).not.toContain(staffId);
  });

  it("GET, PUT, PATCH and DELETE by id are 404, and the account is untouched", async () => {
    scimErrorOf(await call("GET", `/Users/${staffId}`), 404);
    scimErrorOf(await call("PUT", `/Users/${staffId}`, { body: { schemas: [USER_SCHEMA], userName: staffName, active: false } }), 404);
    scimErrorOf(await call("PATCH", `/Users/${staffId}`, { body: patchOp({ op: "replace", path: "active", value: false }) }), 404);
    scimErrorOf(await call("DELETE", `/Users/${staffId}`), 404);
    const row = await t.db().user.findUniqueOrThrow({ where: { id: staffId } });
    expect(row.disabledAt).toBeNull();
    expect(row.displayName).toBe("Staff Member");
  });

  it("cannot be added to a group", async () => {
    const res = await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: unique("staffgroup"), members: [{ value: staffId }] } });
    expect(res.status).toBe(201);
    expect(bodyOf(res).members ?? []).toEqual([]);
  });

  it("a member who became staff is not shown, not found by a members filter, and not removed by a PATCH", async () => {
    const customer = await createUser({ schemas: [USER_SCHEMA], userName: unique("will-be-staff") });
    const other = await createUser({ schemas: [USER_SCHEMA], userName: unique("plain-member") });
    const group = bodyOf(await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: unique("promoted"), members: [{ value: customer.id }] } }));
    await t.db().userRole.create({ data: { userId: String(customer.id), role: "help_desk" } });
    const read = bodyOf(await call("GET", `/Groups/${group.id}`));
    expect(read.members ?? []).toEqual([]);
    const found = bodyOf(await call("GET", `/Groups?${new URLSearchParams({ filter: `members.value eq "${customer.id}"` }).toString()}`));
    expect(found.totalResults).toBe(0);
    expect((await call("PATCH", `/Groups/${group.id}`, { body: patchOp({ op: "add", path: "members", value: [{ value: other.id }] }) })).status).toBe(204);
    const rows = await t.db().groupMember.findMany({ where: { groupId: String(group.id) }, select: { userId: true } });
    expect(rows.map((r) => r.userId).sort()).toEqual([String(customer.id), String(other.id)].sort());
  });
});

describe("the sign-in address", () => {
  it("a primary email no one holds becomes User.email (normalised); the next user with it gets none", async () => {
    const local = unique("Signin");
    const address = `${local}@Example.COM`;
    const first = await createUser({ userName: unique("addr1"), emails: [{ value: "other@example.org", type: "home" }, { value: address, type: "work", primary: true }] });
    expect((await t.db().user.findUniqueOrThrow({ where: { id: String(first.id) } })).email).toBe(`${local.toLowerCase()}@example.com`);

    const second = await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: unique("addr2"), emails: [{ value: address, type: "work", primary: true }] } });
    expect(second.status).toBe(201);
    const row = await t.db().user.findUniqueOrThrow({ where: { id: String(bodyOf(second).id) } });
    expect(row.email).toBeNull();
    // The SCIM emails stay as sent: contact data.
    expect((bodyOf(second).emails as Json[])[0]?.value).toBe(address);
  });

  it("an email value that is not an address is kept but is no sign-in address", async () => {
    const created = await createUser({ userName: unique("emailname"), emails: [{ value: "emailName357", type: "work", primary: true }] });
    expect((await t.db().user.findUniqueOrThrow({ where: { id: String(created.id) } })).email).toBeNull();
    expect((created.emails as Json[])[0]?.value).toBe("emailName357");
  });
});

describe("passwords", () => {
  it("a weak password is 400 invalidValue and creates nothing", async () => {
    const userName = unique("weakpw");
    scimErrorOf(await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName, password: "password" } }), 400, "invalidValue");
    expect(await t.db().user.count({ where: { userName } })).toBe(0);
  });

  it("a strong password is stored as an argon2id hash and never returned", async () => {
    const password = "Quartz-Meadow-Lantern-74-Vivid";
    const created = await createUser({ userName: unique("strongpw"), password });
    expect(created).not.toHaveProperty("password");
    expect(JSON.stringify(created)).not.toContain(password);
    const row = await t.db().user.findUniqueOrThrow({ where: { id: String(created.id) } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });
});

describe("Groups", () => {
  let alice: Json;
  let bob: Json;
  beforeAll(async () => {
    alice = await createUser({ userName: unique("alice"), displayName: "Alice" });
    bob = await createUser({ userName: unique("bob"), displayName: "Bob" });
  });

  const memberIds = (group: Json) => ((group.members as Json[] | undefined) ?? []).map((m) => m.value as string).sort();

  it("create with members, PATCH add and remove, GET shows them, excludedAttributes drops them, DELETE then 404", async () => {
    const displayName = unique("Engineering");
    const res = await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName, members: [{ value: alice.id }] } });
    expect(res.status).toBe(201);
    const group = bodyOf(res);
    const id = String(group.id);
    expect(res.headers.Location).toBe((group.meta as Json).location);
    expect(res.headers.ETag).toBe((group.meta as Json).version);
    expect(memberIds(group)).toEqual([alice.id]);

    expect((await call("PATCH", `/Groups/${id}`, { body: patchOp({ op: "add", path: "members", value: [{ value: bob.id }] }) })).status).toBe(204);
    expect(memberIds(bodyOf(await call("GET", `/Groups/${id}`)))).toEqual([alice.id, bob.id].sort());
    // The user shows the group too.
    expect(((bodyOf(await call("GET", `/Users/${String(bob.id)}`)).groups as Json[]) ?? []).map((g) => g.value)).toContain(id);

    expect((await call("PATCH", `/Groups/${id}`, { body: patchOp({ op: "remove", path: `members[value eq "${String(alice.id)}"]` }) })).status).toBe(204);
    expect(memberIds(bodyOf(await call("GET", `/Groups/${id}`)))).toEqual([bob.id]);

    const slim = await call("GET", `/Groups/${id}?excludedAttributes=members`);
    expect(slim.status).toBe(200);
    expect(bodyOf(slim)).not.toHaveProperty("members");
    expect(bodyOf(slim).displayName).toBe(displayName);
    const slimList = bodyOf(await call("GET", `/Groups?${new URLSearchParams({ filter: `displayName eq "${displayName}"`, excludedAttributes: "members" }).toString()}`));
    expect(slimList.totalResults).toBe(1);
    expect((slimList.Resources as Json[])[0]).not.toHaveProperty("members");

    const del = await call("DELETE", `/Groups/${id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    scimErrorOf(await call("GET", `/Groups/${id}`), 404);
    // Its members are still there.
    expect((await call("GET", `/Users/${String(bob.id)}`)).status).toBe(200);
  });

  it("displayName is unique: 409 uniqueness on create and on rename", async () => {
    const displayName = unique("Sales");
    expect((await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName } })).status).toBe(201);
    scimErrorOf(await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName } }), 409, "uniqueness");
    const other = bodyOf(await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: unique("Marketing") } }));
    scimErrorOf(await call("PATCH", `/Groups/${String(other.id)}`, { body: patchOp({ op: "replace", path: "displayName", value: displayName }) }), 409, "uniqueness");
  });
});

describe("DELETE /Users and the audit trail", () => {
  it("204, then 404, and the User row is gone", async () => {
    const created = await createUser({ userName: unique("leaver"), emails: [{ value: `${unique("leaver")}@example.com`, primary: true }] });
    const id = String(created.id);
    const res = await call("DELETE", `/Users/${id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    scimErrorOf(await call("GET", `/Users/${id}`), 404);
    expect(await t.db().user.findUnique({ where: { id } })).toBeNull();
    scimErrorOf(await call("DELETE", `/Users/${id}`), 404);
  });

  it("every authenticated request is audited as scim.request, with the client, method, path and status", async () => {
    const token = await createProvisioningToken({ operator: "test" }, { name: "Audited", write: true, lifetimeDays: 30 }, {});
    const actorId = `provisioning:${token.id}`;
    await call("GET", "/Users", { token: token.token });
    await call("POST", "/Users", { token: token.token, body: { schemas: [USER_SCHEMA], userName: unique("audited") } });
    await call("GET", "/Users/not-a-uuid", { token: token.token });
    const events = await t.db().auditEvent.findMany({ where: { action: "scim.request", actorId }, orderBy: { id: "asc" } });
    expect(events).toHaveLength(3);
    expect(events.map((e) => [(e.details as Json).method, (e.details as Json).status, e.result])).toEqual([
      ["GET", 200, "success"],
      ["POST", 201, "success"],
      ["GET", 404, "failure"],
    ]);
    expect(events[0]!.details).toMatchObject({ client: "Audited", path: "/scim/v2/Users" });
  });
});

describe("discovery", () => {
  it("ServiceProviderConfig says PATCH and ETags are supported; /serviceConfiguration is the same", async () => {
    const res = await call("GET", "/ServiceProviderConfig");
    expect(res.status).toBe(200);
    const body = bodyOf(res);
    expect((body.patch as Json).supported).toBe(true);
    expect((body.etag as Json).supported).toBe(true);
    const alias = await call("GET", "/serviceConfiguration");
    expect(alias.status).toBe(200);
    expect(bodyOf(alias)).toEqual(body);
  });

  it("ResourceTypes lists Users first", async () => {
    const res = await call("GET", "/ResourceTypes");
    expect(res.status).toBe(200);
    const resources = bodyOf(res).Resources as Json[];
    expect(resources[0]?.endpoint).toBe("/Users");
    expect(resources.map((r) => r.endpoint)).toContain("/Groups");
  });

  it("Schemas describes the User Account", async () => {
    const res = await call("GET", "/Schemas");
    expect(res.status).toBe(200);
    expect(res.body).toContain("User Account");
    expect(((bodyOf(res).Resources as Json[]) ?? []).map((s) => s.id)).toContain(USER_SCHEMA);
  });

});

const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

describe("SCIM /Bulk (RFC 7644 §3.7)", () => {
  it("creates a user and a group whose member is that user, by bulkId, in any order", async () => {
    const name = unique("bulk-user");
    const group = unique("bulk-group");
    const res = await call("POST", "/Bulk", {
      body: {
        schemas: [BULK],
        Operations: [
          // The group comes first and refers to the user created after it: it waits for it.
          { method: "POST", path: "/Groups", bulkId: "g1", data: { schemas: [GROUP_SCHEMA], displayName: group, members: [{ value: "bulkId:u1" }] } },
          { method: "POST", path: "/Users", bulkId: "u1", data: { schemas: [USER_SCHEMA], userName: name } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const ops = bodyOf(res).Operations as Json[];
    // Answered in the request's order, whatever order they ran in.
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ["g1", "201"],
      ["u1", "201"],
    ]);
    const groupLocation = ops.find((o) => o.bulkId === "g1")!.location as string;
    const userLocation = ops.find((o) => o.bulkId === "u1")!.location as string;
    const userId = userLocation.slice(userLocation.lastIndexOf("/") + 1);
    const groupRes = await call("GET", `/Groups/${groupLocation.slice(groupLocation.lastIndexOf("/") + 1)}`);
    expect((bodyOf(groupRes).members as Json[]).map((m) => m.value)).toEqual([userId]);
  });

  it("reports each failure in its operation, and stops after failOnErrors", async () => {
    const taken = unique("bulk-taken");
    await createUser({ schemas: [USER_SCHEMA], userName: taken });
    const res = await call("POST", "/Bulk", {
      body: {
        schemas: [BULK],
        failOnErrors: 1,
        Operations: [
          { method: "POST", path: "/Users", bulkId: "a", data: { schemas: [USER_SCHEMA], userName: taken } },
          { method: "POST", path: "/Users", bulkId: "b", data: { schemas: [USER_SCHEMA], userName: unique("never-made") } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const ops = bodyOf(res).Operations as Json[];
    expect(ops).toHaveLength(1);
    expect(ops[0]!.status).toBe("409");
    expect((ops[0]!.response as Json).scimType).toBe("uniqueness");
    const after = await listUsers({ filter: `userName sw "never-made"` });
    expect(after.body.totalResults).toBe(0);
  });

  it("a reference to a bulkId that failed, or to none, is that operation's error; circular references too", async () => {
    const res = await call("POST", "/Bulk", {
      body: {
        schemas: [BULK],
        Operations: [
          { method: "POST", path: "/Users", bulkId: "bad", data: { schemas: [USER_SCHEMA], userName: 5 } },
          { method: "POST", path: "/Groups", bulkId: "g", data: { schemas: [GROUP_SCHEMA], displayName: unique("g"), members: [{ value: "bulkId:bad" }] } },
          { method: "POST", path: "/Groups", bulkId: "x", data: { schemas: [GROUP_SCHEMA], displayName: unique("x"), members: [{ value: "bulkId:y" }] } },
          { method: "POST", path: "/Groups", bulkId: "y", data: { schemas: [GROUP_SCHEMA], displayName: unique("y"), members: [{ value: "bulkId:x" }] } },
        ],
      },
    });
    const ops = bodyOf(res).Operations as Json[];
    expect(Object.fromEntries(ops.map((o) => [o.bulkId, o.status]))).toEqual({ bad: "400", g: "409", x: "409", y: "409" });
  });

  it("a PATCH and a DELETE with a version: a stale one is 412 in its operation", async () => {
    const user = await createUser({ schemas: [USER_SCHEMA], userName: unique("bulk-version") });
    const version = (user.meta as Json).version as string;
    const res = await call("POST", "/Bulk", {
      body: {
        schemas: [BULK],
        Operations: [
          { method: "PATCH", path: `/Users/${user.id}`, version, data: { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "displayName", value: "Bulk Patched" }] } },
          { method: "DELETE", path: `/Users/${user.id}`, version },
        ],
      },
    });
    const ops = bodyOf(res).Operations as Json[];
    expect(ops.map((o) => o.status)).toEqual(["204", "412"]);
    expect(bodyOf(await call("GET", `/Users/${user.id}`)).displayName).toBe("Bulk Patched");
  });

  it("a malformed BulkRequest changes nothing: 400; too many operations: 413", async () => {
    scimErrorOf(await call("POST", "/Bulk", { body: { schemas: [BULK], Operations: [] } }), 400, "invalidSyntax");
    scimErrorOf(await call("POST", "/Bulk", { body: { Operations: [{ method: "POST", path: "/Users", bulkId: "a", data: {} }] } }), 400, "invalidSyntax");
    scimErrorOf(await call("POST", "/Bulk", { body: { schemas: [BULK], Operations: [{ method: "POST", path: "/Users", data: {} }] } }), 400, "invalidValue");
    const many = Array.from({ length: 1001 }, (_, i) => ({ method: "DELETE", path: `/Users/${crypto.randomUUID()}`, bulkId: `d${i}` }));
    scimErrorOf(await call("POST", "/Bulk", { body: { schemas: [BULK], Operations: many } }), 413);
    const readOnly = await call("POST", "/Bulk", { token: reader.token, body: { schemas: [BULK], Operations: [{ method: "POST", path: "/Users", bulkId: "r", data: { schemas: [USER_SCHEMA], userName: unique("ro") } }] } });
    expect((bodyOf(readOnly).Operations as Json[]).map((o) => o.status)).toEqual(["403"]);
  });
});

const ME_REDIRECT = "https://app.example.com/callback";
const ME_VERIFIER = "m".repeat(43);
const meAdmin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };

/** A person's own access token from a real authorization code flow, with `scope` (for /Me). */
async function meToken(userId: string, scope: string): Promise<string> {
  await ensureSigningKeys();
  const app = (await createApplication(meAdmin, { name: unique("Me App"), type: "confidential", redirectUris: [ME_REDIRECT], grantTypes: ["authorization_code"], firstParty: false }, {})).application;
  const session = (await validateSession((await createSession(userId, {})).token))!;
  await grantConsent(userId, app.clientId, scope.split(" "), {});
  const outcome = await authorize(
    { params: { client_id: app.clientId, redirect_uri: ME_REDIRECT, response_type: "code", scope, state: "s", nonce: "n", code_challenge: s256(ME_VERIFIER), code_challenge_method: "S256" } },
    { id: session.id, userId, authTime: session.authTime, amr: session.amr },
    {},
  );
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`no code: ${JSON.stringify(outcome)}`);
  return (await handleTokenRequest(app, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: ME_REDIRECT, code_verifier: ME_VERIFIER }, {})).access_token;
}

describe("SCIM /Me (RFC 7644 §3.11)", () => {

  it("answers the signed-in person's own User for their access token with profile; not for a provisioning token", async () => {
    const user = await createUser({ schemas: [USER_SCHEMA], userName: unique("me"), emails: [{ value: `${unique("me")}@example.com`, primary: true }] });
    const token = await meToken(user.id as string, "openid profile");
    const res = await call("GET", "/Me", { token });
    expect(res.status).toBe(200);
    expect(bodyOf(res).id).toBe(user.id);
    expect(res.headers.ETag).toBe((bodyOf(res).meta as Json).version);
    scimErrorOf(await call("GET", "/Me", { token: writer.token }), 401);
    scimErrorOf(await call("GET", "/Me", { token: null }), 401);
    scimErrorOf(await call("PATCH", "/Me", { token, body: { schemas: [PATCH_OP], Operations: [] } }), 501);
  });

  it("without the profile scope: 403 insufficient_scope", async () => {
    const user = await createUser({ schemas: [USER_SCHEMA], userName: unique("me-scope"), emails: [{ value: `${unique("me")}@example.com`, primary: true }] });
    const res = await call("GET", "/Me", { token: await meToken(user.id as string, "openid") });
    scimErrorOf(res, 403);
    expect(res.headers["WWW-Authenticate"]).toContain("insufficient_scope");
  });
});

describe("invitations for provisioned users", () => {
  it("a client that asks for them: a user created with a sign-in address and no password is mailed one; otherwise none", async () => {
    const inviting = await createProvisioningToken({ operator: "test" }, { name: "Inviting HR", write: true, sendInvitations: true, lifetimeDays: 1 }, {});
    const invitedAddress = `${unique("invited")}@example.com`;
    const quietAddress = `${unique("quiet")}@example.com`;
    const withPassword = `${unique("pw")}@example.com`;
    expect((await call("POST", "/Users", { token: inviting.token, body: { schemas: [USER_SCHEMA], userName: unique("inv"), emails: [{ value: invitedAddress, primary: true }] } })).status).toBe(201);
    expect((await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: unique("quiet"), emails: [{ value: quietAddress, primary: true }] } })).status).toBe(201);
    expect((await call("POST", "/Users", { token: inviting.token, body: { schemas: [USER_SCHEMA], userName: unique("pw"), password: "correct horse battery staple 1907", emails: [{ value: withPassword, primary: true }] } })).status).toBe(201);
    const mailTo = (to: string) => t.db().mailMessage.findMany({ where: { to, template: "invitation" } });
    const invitation = await mailTo(invitedAddress);
    expect(invitation).toHaveLength(1);
    expect(JSON.stringify(invitation[0])).toContain("/accept-invitation");
    expect(await mailTo(quietAddress)).toHaveLength(0);
    expect(await mailTo(withPassword)).toHaveLength(0);
  });
});

describe("rate limit", () => {
  it("a token over SCIM_REQUESTS_PER_MINUTE gets 429 with Retry-After; another token is not slowed", async () => {
    const before = process.env.SCIM_REQUESTS_PER_MINUTE;
    process.env.SCIM_REQUESTS_PER_MINUTE = "3";
    reloadConfig();
    try {
      const busy = await createProvisioningToken({ operator: "test" }, { name: "Busy", write: false, lifetimeDays: 1 }, {});
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call("GET", "/ServiceProviderConfig", { token: busy.token })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await call("GET", "/ServiceProviderConfig", { token: busy.token });
      scimErrorOf(limited, 429);
      expect(Number(limited.headers["Retry-After"])).toBeGreaterThan(0);
      const calm = await createProvisioningToken({ operator: "test" }, { name: "Calm", write: false, lifetimeDays: 1 }, {});
      expect((await call("GET", "/ServiceProviderConfig", { token: calm.token })).status).toBe(200);
    } finally {
      if (before === undefined) delete process.env.SCIM_REQUESTS_PER_MINUTE;
      else process.env.SCIM_REQUESTS_PER_MINUTE = before;
      reloadConfig();
    }
  });
});

describe("strings PostgreSQL cannot store", () => {
  it("a NUL or a lone surrogate in any string is 400 invalidValue and writes nothing, never a 500", async () => {
    const bad = ["a\u0000b", "x\uD800y", "\uDC00"];
    for (const value of bad) {
      scimErrorOf(await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: value } }), 400, "invalidValue");
      scimErrorOf(await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: unique("nul"), displayName: value, emails: [{ value }] } }), 400, "invalidValue");
      scimErrorOf(await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: value } }), 400, "invalidValue");
    }
    expect((await listUsers({ filter: 'userName sw "nul-"' })).body.totalResults).toBe(0);
  });
});

describe("what the review found", () => {
  it("a PUT that leaves out active keeps a disabled account disabled; an account whose owner asked for deletion cannot be made active", async () => {
    const off = await createUser({ schemas: [USER_SCHEMA], userName: unique("stays-off"), active: false });
    const put = await call("PUT", `/Users/${off.id}`, { body: { schemas: [USER_SCHEMA], userName: off.userName, displayName: "Renamed" } });
    expect(put.status).toBe(200);
    expect(bodyOf(put).active).toBe(false);
    const leaving = await createUser({ schemas: [USER_SCHEMA], userName: unique("leaving") });
    await t.db().user.update({ where: { id: String(leaving.id) }, data: { disabledAt: new Date(), deletionRequestedAt: new Date(), deletionDueAt: new Date(Date.now() + 86_400_000) } });
    scimErrorOf(await call("PATCH", `/Users/${leaving.id}`, { body: patchOp({ op: "replace", path: "active", value: true }) }), 400, "mutability");
    expect((await t.db().user.findUniqueOrThrow({ where: { id: String(leaving.id) } })).disabledAt).not.toBeNull();
  });

  it("an erasure never takes an account that became staff after SCIM marked it", async () => {
    const user = await createUser({ schemas: [USER_SCHEMA], userName: unique("promoted-late") });
    const caller = { client: { tokenId: writer.id, name: "Entra", scopes: ["scim:read", "scim:write"], sendInvitations: false }, ctx: {}, baseUrl: "http://localhost/scim/v2" };
    await markUserForDeletion(caller, String(user.id), null);
    await t.db().userRole.create({ data: { userId: String(user.id), role: "help_desk" } });
    await eraseProvisionedAccount(String(user.id), "provisioning:test", {});
    expect(await t.db().user.count({ where: { id: String(user.id) } })).toBe(1);
  });

  it("an address its owner may still switch back to is not given to a SCIM user", async () => {
    const owner = await t.db().user.create({ data: { email: `${unique("moved")}@example.com`, emailVerifiedAt: new Date() } });
    const old = `${unique("old")}@example.com`;
    await t.db().userToken.create({ data: { userId: owner.id, purpose: "cancel_email_change", tokenHash: crypto.randomBytes(32).toString("hex"), email: old, expiresAt: new Date(Date.now() + 86_400_000) } });
    const created = await createUser({ schemas: [USER_SCHEMA], userName: unique("taker"), emails: [{ value: old, primary: true }] });
    expect((await t.db().user.findUniqueOrThrow({ where: { id: String(created.id) } })).email).toBeNull();
  });

  it("bad input the fuzz did not reach: a huge startIndex, an escaped NUL in a filter, a null SearchRequest, a broken percent-encoding, deep Bulk data", async () => {
    const huge = await call("GET", "/Users?startIndex=1e300&count=5");
    expect(huge.status).toBe(200);
    expect(bodyOf(huge).Resources).toEqual([]);
    scimErrorOf(await call("GET", `/Users?${new URLSearchParams({ filter: 'displayName co "a\\u0000b"' }).toString()}`), 400, "invalidFilter");
    scimErrorOf(await call("POST", "/Users/.search", { raw: "null" }), 400, "invalidSyntax");
    scimErrorOf(await call("GET", "/Users/%E0%A4%A"), 404);
    const nested = (depth: number) => `{"schemas":["${BULK}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"d","data":{"userName":"deep","x":${"[".repeat(depth)}"bulkId:x"${"]".repeat(depth)}}}]}`;
    scimErrorOf(await call("POST", "/Bulk", { raw: nested(100) }), 400, "invalidValue");
    expect((await call("POST", "/Bulk", { raw: nested(50_000) })).status).toBe(400);
  });

  it("a PATCH that renames a group does not copy its members' own names into the group", async () => {
    const member = await createUser({ schemas: [USER_SCHEMA], userName: unique("named"), displayName: "Old Name" });
    const group = bodyOf(await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: unique("rename-me"), members: [{ value: member.id }] } }));
    expect((await call("PATCH", `/Groups/${group.id}`, { body: patchOp({ op: "replace", path: "displayName", value: unique("renamed") }) })).status).toBe(204);
    expect((await t.db().groupMember.findFirstOrThrow({ where: { groupId: String(group.id) } })).display).toBeNull();
    await call("PATCH", `/Users/${member.id}`, { body: patchOp({ op: "replace", path: "displayName", value: "New Name" }) });
    expect((bodyOf(await call("GET", `/Groups/${group.id}`)).members as Json[])[0]!.display).toBe("New Name");
  });

  it("/Me releases only what the token's scopes cover", async () => {
    const user = await createUser({ schemas: [USER_SCHEMA], userName: unique("me-scopes"), title: "Engineer", emails: [{ value: `${unique("me")}@example.com`, primary: true }], "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "R&D" } });
    await call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: unique("me-group"), members: [{ value: user.id }] } });
    const me = bodyOf(await call("GET", "/Me", { token: await meToken(String(user.id), "openid profile") }));
    expect(me.userName).toBe(user.userName);
    for (const key of ["emails", "title", "groups", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]) expect(me).not.toHaveProperty([key]);
    const withEmail = bodyOf(await call("GET", "/Me", { token: await meToken(String(user.id), "openid profile email") }));
    expect(withEmail.emails).toEqual(user.emails);
  });
});

describe("a registered customer's userName", () => {
  it("is their sign-in address: a userName filter finds them (any case), and a new user may not take it (409 uniqueness)", async () => {
    const address = `${unique("registered")}@example.com`;
    const customer = await t.db().user.create({ data: { email: address, emailVerifiedAt: new Date(), displayName: "Reg Istered" } });
    const found = await listUsers({ filter: `userName eq "${address.toUpperCase()}"` });
    expect(found.res.status).toBe(200);
    expect(idsOf(found.body)).toEqual([customer.id]);
    expect(userNamesOf(found.body)).toEqual([address]);
    expect(idsOf((await listUsers({ filter: `userName sw "${address.slice(0, 14)}"` })).body)).toContain(customer.id);

    const taken = await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: address, emails: [{ value: address, primary: true }] } });
    expect(scimErrorOf(taken, 409).scimType).toBe("uniqueness");
    expect(await t.db().user.count({ where: { OR: [{ email: address }, { userName: { equals: address, mode: "insensitive" } }] } })).toBe(1);

    // A staff account's address is not "taken" to SCIM: a 409 would reveal that it exists.
    const staffAddress = `${unique("staff-held")}@example.com`;
    const staff = await t.db().user.create({ data: { email: staffAddress, emailVerifiedAt: new Date() } });
    await t.db().userRole.create({ data: { userId: staff.id, role: "help_desk" } });
    expect((await call("POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: staffAddress } })).status).toBe(201);

    // The customer may take their own address as userName (a client linking them).
    const linked = await call("PATCH", `/Users/${customer.id}`, { body: patchOp({ op: "replace", path: "userName", value: address }) });
    expect(linked.status, linked.body ?? "").toBe(204);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: customer.id } })).userName).toBe(address);
  });
});

describe("a sign-in address moved by SCIM", () => {
  it("tells the old address; other changes mail nobody", async () => {
    const before = `${unique("moved-from")}@example.com`;
    const after = `${unique("moved-to")}@example.com`;
    const created = await createUser({ userName: unique("mover"), emails: [{ value: before, primary: true }] });
    const id = String(created.id);
    const mails = (to: string) => t.db().mailMessage.findMany({ where: { to } });

    expect((await call("PATCH", `/Users/${id}`, { body: patchOp({ op: "replace", path: "displayName", value: "Renamed" }) })).status).toBe(204);
    expect(await mails(before)).toEqual([]);

    const res = await call("PATCH", `/Users/${id}`, { body: patchOp({ op: "replace", path: "emails", value: [{ value: after, primary: true }] }) });
    expect(res.status, res.body ?? "").toBe(204);
    expect((await t.db().user.findUniqueOrThrow({ where: { id } })).email).toBe(after);
    const told = await mails(before);
    expect(told.map((m) => [m.template, m.subject])).toEqual([["account-changed-by-admin", expect.stringContaining("sign-in address was changed")]]);
    expect(await mails(after)).toEqual([]);
  });
});
