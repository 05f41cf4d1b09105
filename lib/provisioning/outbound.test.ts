// Outbound provisioning end to end: Portico pushes a group's members to a real SCIM 2.0 server —
// its own SCIM endpoint (lib/http/endpoints/scim.ts) on a local HTTP server, with a provisioning
// token — and what the target holds is read back through SCIM GET. The users the target creates
// land in the same database but are outside the group, so nothing loops. A small fake SCIM server
// covers what a real one does not do on demand: a 500 then success (retries), a 409 (adoption),
// a user deleted at the target (recreated). Also: reconciliation of drift, the mapping's checks,
// permissions, the loop guard, staff and address-less accounts never pushed.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { config, reloadConfig } from "@/lib/config";
import { PermissionError } from "@/lib/errors";
import { runDueIdentityEvents } from "@/lib/events";
import { handle as scimHandle } from "@/lib/http/endpoints/scim";
import { updateProfile } from "@/lib/profile";
import { disableAccount } from "@/lib/users";
import { eraseAccountsDue, requestAccountDeletion } from "@/lib/sign-in";
import { sweepOutboxQueue } from "@/lib/outbox";
import {
  checkTargetUrl,
  createProvisioningToken,
  createTarget,
  deleteTarget,
  getTarget,
  listTargetLog,
  listTargets,
  provisioningEventSink,
  provisioningQueue,
  ProvisioningTargetError,
  reconcileProvisioningTargets,
  reconcileTargetNow,
  replaceTargetToken,
  runDueProvisioningJobs,
  setTargetEnabled,
  syncTargetNow,
  updateTarget,
} from "./index";
import { checkMapping, DEFAULT_MAPPING, mappingFromText, mappingToText, parseTargetPath } from "./targets.schema";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.90", userAgent: "vitest" };
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
type Json = Record<string, unknown>;

const unique = (p: string) => `${p}-${crypto.randomBytes(4).toString("hex")}`;

// --- Portico's own SCIM server on a real socket ---------------------------------------------------

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: http.Server) {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => resolve(body));
  });
}

let scim: { server: http.Server; url: string };
let scimToken: string;

beforeAll(async () => {
  process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
  reloadConfig();
  scimToken = (await createProvisioningToken({ operator: "test" }, { name: "Loop target", write: true, lifetimeDays: 30 }, {})).token;
  scim = await listen(async (req, res) => {
    const body = await readBody(req);
    const request = new Request(`${scim.url}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: body && req.method !== "GET" && req.method !== "DELETE" ? body : undefined });
    const result = await scimHandle(request);
    res.writeHead(result.status, result.headers).end(result.body ?? undefined);
  });
});
afterAll(async () => {
  await close(scim.server);
  delete process.env.OUTBOUND_ALLOW_LOOPBACK;
  reloadConfig();
});

async function remote(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await scimHandle(new Request(`http://localhost/scim/v2${path}`, { method, headers: { authorization: `Bearer ${scimToken}`, "content-type": "application/scim+json" }, body: body === undefined ? undefined : JSON.stringify(body) }));
  return { status: res.status, body: res.body ? (JSON.parse(res.body) as Json) : {} };
}

/** The target's copy of a Portico user (externalId <- the Portico user id). */
async function remoteCopyOf(userId: string): Promise<Json | null> {
  const { body } = await remote("GET", `/Users?${new URLSearchParams({ filter: `externalId eq "${userId}"` })}`);
  const resources = (body.Resources as Json[] | undefined) ?? [];
  expect(resources.length).toBeLessThanOrEqual(1);
  return resources[0] ?? null;
}

/** Publishes events and runs provisioning jobs until nothing is left. */
async function settle() {
  for (let i = 0; i < 20; i++) {
    const events = await runDueIdentityEvents(100);
    const jobs = await runDueProvisioningJobs(100);
    if (events.done + events.failed + jobs.done + jobs.failed === 0) return;
  }
  throw new Error("provisioning did not settle");
}

async function customer(data: { givenName?: string; familyName?: string; displayName?: string; email?: string | null } = {}) {
  const email = data.email === undefined ? `${unique("c")}@example.com` : data.email;
  const u = await t.db().user.create({ data: { email, emailVerifiedAt: new Date(), givenName: data.givenName ?? "Ada", familyName: data.familyName ?? "Lovelace", displayName: data.displayName ?? "Ada L." } });
  return { id: u.id, email: u.email, roles: [] as string[] };
}

async function group(name = unique("Sales")) {
  return t.db().group.create({ data: { displayName: name } });
}

// The target is this same database, where each source account already holds its sign-in address,
// and with it the userName a SCIM filter finds it by: the copies are named by the source's id instead.
const OWN_SERVER_MAPPING = mappingToText(DEFAULT_MAPPING.map((m) => (m.target === "userName" ? { target: "userName", source: "userId" } : m)));

const join = (groupId: string, userId: string) => t.db().groupMember.create({ data: { groupId, userId } });

function targetInput(baseUrl: string, over: Record<string, unknown> = {}) {
  return { name: unique("Target"), baseUrl, scope: "all" as const, onLeave: "deactivate" as const, token: "secret-token", ...over };
}

beforeEach(async () => {
  // Each test starts without targets (their jobs, mappings and logs cascade).
  await t.db().provisioningTarget.deleteMany();
  vi.restoreAllMocks();
});

describe(`pushing a group's members to Portico's own SCIM server (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("creates, updates, deactivates when disabled or removed from the group, and deletes when erased", async () => {
    const sales = await group();
    const member = await customer({ givenName: "Grace", familyName: "Hopper", displayName: "Grace H." });
    const other = await customer();
    const staff = await customer();
    await t.db().userRole.create({ data: { userId: staff.id, role: "help_desk" } });
    const noAddress = await customer({ email: null });
    const leaver = await customer({ givenName: "Lin" });
    for (const u of [member, staff, noAddress, leaver]) await join(sales.id, u.id);

    const { id, queued } = await createTarget(admin, { ...targetInput(`${scim.url}/scim/v2/`, { scope: "group", scopeGroup: sales.displayName, mapping: OWN_SERVER_MAPPING }), token: scimToken, enabled: true }, ctx);
    expect(queued).toBe(2); // the member and the leaver: not staff, not the account without an address, not a non-member
    await settle();

    const copy = await remoteCopyOf(member.id);
    expect(copy).toMatchObject({ userName: member.id, externalId: member.id, name: { givenName: "Grace", familyName: "Hopper" }, displayName: "Grace H.", active: true });
    expect(copy!.emails).toEqual([expect.objectContaining({ value: member.email, type: "work", primary: true })]);
    expect(await remoteCopyOf(other.id)).toBeNull();
    expect(await remoteCopyOf(staff.id)).toBeNull();
    expect(await remoteCopyOf(noAddress.id)).toBeNull();
    const mapping = await t.db().provisioningMapping.findUniqueOrThrow({ where: { targetId_userId: { targetId: id, userId: member.id } } });
    expect(mapping).toMatchObject({ remoteId: copy!.id, state: "active" });

    // Converged: running every job again sends nothing.
    const logged = await t.db().provisioningLog.count({ where: { targetId: id } });
    await syncTargetNow(admin, id, ctx);
    await settle();
    expect(await t.db().provisioningLog.count({ where: { targetId: id } })).toBe(logged);

    // A profile change reaches the target (its identity event queues the job).
    await updateProfile(member, member.id, { givenName: "Amazing Grace" }, {});
    await settle();
    expect(await remoteCopyOf(member.id)).toMatchObject({ name: { givenName: "Amazing Grace", familyName: "Hopper" }, active: true });

    // Disabled in Portico: deactivated at the target (a sync catches what sent no event).
    await disableAccount(admin, member.id, ctx);
    await syncTargetNow(admin, id, ctx);
    await settle();
    expect(await remoteCopyOf(member.id)).toMatchObject({ active: false, name: { givenName: "Amazing Grace" } });

    // Removed from the group: deactivated (PATCH active false), the mapping kept.
    await t.db().groupMember.delete({ where: { groupId_userId: { groupId: sales.id, userId: leaver.id } } });
    expect(await remoteCopyOf(leaver.id)).toMatchObject({ active: true });
    await syncTargetNow(admin, id, ctx);
    await settle();
    expect(await remoteCopyOf(leaver.id)).toMatchObject({ active: false, name: { givenName: "Lin" } });
    expect(await t.db().provisioningMapping.findUniqueOrThrow({ where: { targetId_userId: { targetId: id, userId: leaver.id } } })).toMatchObject({ state: "deactivated" });

    // Erased in Portico: deleted at the target, the mapping dropped.
    await requestAccountDeletion(leaver, leaver.id, {}, new Date());
    await eraseAccountsDue(new Date(Date.now() + 31 * 86_400_000));
    await settle();
    expect(await remoteCopyOf(leaver.id)).toBeNull();
    expect(await t.db().provisioningMapping.count({ where: { targetId: id, userId: leaver.id } })).toBe(0);

    const log = await listTargetLog(admin, id);
    expect(log.map((l) => l.action)).toEqual(expect.arrayContaining(["create", "update", "delete"]));
    // The erased person's earlier entries went with the account; only the deletion at the target, after it, is logged.
    expect(log.filter((l) => l.userId === leaver.id).map((l) => l.action)).toEqual(["delete"]);
    expect(log.every((l) => l.outcome === "ok")).toBe(true);
    expect(log.find((l) => l.action === "create")).toMatchObject({ httpStatus: 201, userId: expect.any(String) });
    expect(log.find((l) => l.action === "delete")).toMatchObject({ httpStatus: 204, userId: leaver.id });
  });

  it("reconciliation repairs a drifted attribute and recreates a user deleted at the target", async () => {
    const team = await group();
    const u = await customer({ displayName: "Original" });
    const gone = await customer();
    await join(team.id, u.id);
    await join(team.id, gone.id);
    const { id } = await createTarget(admin, { ...targetInput(`${scim.url}/scim/v2`, { scope: "group", scopeGroup: team.displayName, mapping: OWN_SERVER_MAPPING }), token: scimToken, enabled: true }, ctx);
    await settle();
    const copy = (await remoteCopyOf(u.id))!;
    // Someone edits the copy at the target, and deletes another.
    const patched = await remote("PATCH", `/Users/${copy.id as string}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "displayName", value: "Drifted" }] });
    expect([200, 204]).toContain(patched.status);
    expect((await remote("DELETE", `/Users/${(await remoteCopyOf(gone.id))!.id as string}`)).status).toBe(204);

    // A plain sync trusts the last push: nothing changes.
    await syncTargetNow(admin, id, ctx);
    await settle();
    expect(await remoteCopyOf(u.id)).toMatchObject({ displayName: "Drifted" });

    expect(await reconcileTargetNow(admin, id, ctx)).toEqual({ queued: 2 });
    await settle();
    expect(await remoteCopyOf(u.id)).toMatchObject({ displayName: "Original", id: copy.id });
    expect(await remoteCopyOf(gone.id)).toMatchObject({ userName: gone.id, active: true });
    expect((await getTarget(admin, id)).reconcileRunning).toBe(false);
  });
});

// --- a fake SCIM server ---------------------------------------------------------------------------

interface Fake {
  users: Map<string, Json>;
  calls: string[];
  /** Answers to use before the store's own, by "METHOD /path" prefix. */
  script: { match: string; status: number; body?: Json }[];
}

let fake: Fake;
let fakeServer: { server: http.Server; url: string };

beforeAll(async () => {
  fakeServer = await listen(async (req, res) => {
    const body = await readBody(req);
    const line = `${req.method} ${req.url}`;
    fake.calls.push(line);
    const send = (status: number, json?: Json) => res.writeHead(status, { "content-type": "application/scim+json" }).end(json ? JSON.stringify(json) : undefined);
    const scripted = fake.script.findIndex((s) => line.startsWith(s.match));
    if (scripted >= 0) {
      const [s] = fake.script.splice(scripted, 1);
      return send(s!.status, s!.body ?? { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(s!.status), detail: "scripted" });
    }
    if (req.headers.authorization !== "Bearer fake-token") return send(401, { detail: "bad token" });
    const url = new URL(req.url!, "http://x");
    const id = /^\/scim\/Users\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === "POST" && url.pathname === "/scim/Users") {
      const resource = JSON.parse(body) as Json;
      if ([...fake.users.values()].some((u) => u.userName === resource.userName)) return send(409, { detail: "userName taken", scimType: "uniqueness" });
      const newId = crypto.randomUUID();
      fake.users.set(newId, { ...resource, id: newId });
      return send(201, { ...resource, id: newId });
    }
    if (req.method === "GET" && url.pathname === "/scim/Users") {
      const userName = /^userName eq "(.*)"$/.exec(url.searchParams.get("filter") ?? "")?.[1];
      const found = [...fake.users.values()].filter((u) => u.userName === userName);
      return send(200, { schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: found.length, Resources: found });
    }
    if (!id || !fake.users.has(id)) return send(404, { detail: "no such user" });
    if (req.method === "GET") return send(200, fake.users.get(id));
    if (req.method === "PUT") {
      fake.users.set(id, { ...(JSON.parse(body) as Json), id });
      return send(200, fake.users.get(id));
    }
    if (req.method === "PATCH") {
      fake.users.set(id, { ...fake.users.get(id), active: false });
      return send(200, fake.users.get(id));
    }
    if (req.method === "DELETE") {
      fake.users.delete(id);
      return send(204);
    }
    send(405);
  });
});
afterAll(() => close(fakeServer.server));
beforeEach(() => {
  fake = { users: new Map(), calls: [], script: [] };
});

async function fakeTarget(over: Record<string, unknown> = {}) {
  return createTarget(admin, { ...targetInput(`${fakeServer.url}/scim`, over), token: "fake-token", enabled: true }, ctx);
}

/** Makes failed jobs due again (their backoff is seconds to hours). */
const rewind = () => t.db().provisioningJob.updateMany({ data: { nextAttemptAt: new Date(0) } });

describe("against a fake SCIM server", () => {
  it("retries a job the target answered 500, with backoff, and logs both attempts", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const u = await customer();
    const g = await group();
    await join(g.id, u.id);
    fake.script.push({ match: "POST /scim/Users", status: 500 });
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName });
    expect(await runDueProvisioningJobs(10)).toEqual({ done: 0, failed: 1 });
    const job = await t.db().provisioningJob.findFirstOrThrow({ where: { targetId: id, userId: u.id } });
    expect(job).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("HTTP 500") });
    expect(job.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect(await runDueProvisioningJobs(10)).toEqual({ done: 0, failed: 0 }); // not due yet
    await rewind();
    expect(await runDueProvisioningJobs(10)).toEqual({ done: 1, failed: 0 });
    expect(fake.users.size).toBe(1);
    expect(await t.db().provisioningJob.count({ where: { targetId: id } })).toBe(0);
    const log = await listTargetLog(admin, id);
    expect(log.map((l) => [l.action, l.httpStatus, l.outcome])).toEqual([
      ["create", 201, "ok"],
      ["create", 500, "failed"],
    ]);
    expect(log[1]!.error).toContain("HTTP 500");
  });

  it("gives up at once on a permanent refusal (401), keeping the job as a dead letter; a new event queues a new job", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const u = await customer();
    const { id } = await createTarget(admin, { ...targetInput(`${fakeServer.url}/scim`), token: "wrong-token", enabled: true }, ctx);
    await runDueProvisioningJobs(100);
    const dead = await t.db().provisioningJob.findFirstOrThrow({ where: { targetId: id, userId: u.id } });
    expect(dead).toMatchObject({ status: "failed", attempts: 1 });
    // The token replaced: a sync queues a fresh job beside the dead letter, which succeeds.
    await replaceTargetToken(admin, id, "fake-token", ctx);
    await syncTargetNow(admin, id, ctx);
    await runDueProvisioningJobs(100);
    expect([...fake.users.values()].some((r) => r.externalId === u.id)).toBe(true);
  });

  it("the SSRF guard applies again when sending: a target saved under a policy that no longer allows its address is refused, logged, given up", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const u = await customer();
    const g = await group();
    await join(g.id, u.id);
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName });
    process.env.OUTBOUND_ALLOW_LOOPBACK = "0";
    reloadConfig();
    try {
      expect(await runDueProvisioningJobs(10)).toEqual({ done: 0, failed: 1 });
    } finally {
      process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
      reloadConfig();
    }
    expect(fake.calls).toEqual([]);
    expect(await t.db().provisioningJob.findFirstOrThrow({ where: { targetId: id, userId: u.id } })).toMatchObject({ status: "failed", attempts: 1 });
    expect((await listTargetLog(admin, id)).map((l) => [l.action, l.outcome, l.error])).toEqual([["create", "failed", expect.stringContaining("loopback address 127.0.0.1")]]);
  });

  it("adopts the resource a 409 points at (found by userName), then updates it", async () => {
    const u = await customer({ displayName: "New name" });
    fake.users.set("existing-1", { id: "existing-1", userName: u.email, displayName: "Old name", active: false });
    const g = await group();
    await join(g.id, u.id);
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName });
    await runDueProvisioningJobs(10);
    expect(fake.users.size).toBe(1);
    expect(fake.users.get("existing-1")).toMatchObject({ userName: u.email, displayName: "New name", externalId: u.id, active: true });
    expect(fake.calls).toEqual(["POST /scim/Users", `GET /scim/Users?${new URLSearchParams({ filter: `userName eq "${u.email}"`, count: "2" })}`, "PUT /scim/Users/existing-1"]);
    expect(await t.db().provisioningMapping.findFirstOrThrow({ where: { targetId: id, userId: u.id } })).toMatchObject({ remoteId: "existing-1" });
    expect((await listTargetLog(admin, id)).map((l) => l.action)).toEqual(["update", "adopt", "create"]);
  });

  it("adopts nothing that says it is someone else's: another externalId, or another Portico user's copy; an unproved address is never pushed", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const victim = await customer();
    fake.users.set("theirs-1", { id: "theirs-1", userName: victim.email, externalId: "hr-0001", displayName: "The Real One", active: false });
    const g = await group();
    await join(g.id, victim.id);
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName });
    await runDueProvisioningJobs(10);
    expect(fake.users.get("theirs-1")).toMatchObject({ externalId: "hr-0001", displayName: "The Real One", active: false });
    expect(fake.calls.filter((c) => c.startsWith("PUT"))).toEqual([]);
    expect(await t.db().provisioningMapping.count({ where: { targetId: id } })).toBe(0);
    expect((await listTargetLog(admin, id)).map((l) => [l.action, l.outcome])).toEqual([["adopt", "failed"], ["create", "ok"]]);

    // Someone registers an address without proving it: it is not pushed, so it cannot even try.
    const unproved = await t.db().user.create({ data: { email: `${unique("unproved")}@example.com`, givenName: "Mallory" } });
    await join(g.id, unproved.id);
    await syncTargetNow(admin, id, ctx);
    await runDueProvisioningJobs(10);
    expect([...fake.users.values()].map((u) => u.userName)).not.toContain(unproved.email);
    expect(await t.db().provisioningMapping.count({ where: { targetId: id, userId: unproved.id } })).toBe(0);
  });

  it("a base URL on another host needs that service's token with it: the stored one is never sent there", async () => {
    const { id } = await createTarget(admin, targetInput("https://scim.example.com/v2", { token: "token-for-example" }), ctx);
    const sealed = (await t.db().provisioningTarget.findUniqueOrThrow({ where: { id } })).tokenSealed;
    await expect(updateTarget(admin, id, { ...targetInput("https://collector.example.net/v2"), token: "" }, ctx)).rejects.toMatchObject({ name: "ProvisioningTargetError", field: "token" });
    expect(await t.db().provisioningTarget.findUniqueOrThrow({ where: { id } })).toMatchObject({ baseUrl: "https://scim.example.com/v2", tokenSealed: sealed });
    // The same host, another path: the token stays.
    await updateTarget(admin, id, { ...targetInput("https://scim.example.com/scim/v2"), token: "" }, ctx);
    expect((await t.db().provisioningTarget.findUniqueOrThrow({ where: { id } })).tokenSealed).toBe(sealed);
    await updateTarget(admin, id, { ...targetInput("https://collector.example.net/v2"), token: "token-for-net" }, ctx);
    const moved = await t.db().provisioningTarget.findUniqueOrThrow({ where: { id } });
    expect(moved.baseUrl).toBe("https://collector.example.net/v2");
    expect(moved.tokenSealed).not.toBe(sealed);
  });

  it("creates the user again when an update finds it gone (404)", async () => {
    const u = await customer();
    const g = await group();
    await join(g.id, u.id);
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName });
    await runDueProvisioningJobs(10);
    const [firstId] = [...fake.users.keys()];
    fake.users.clear();
    await t.db().user.update({ where: { id: u.id }, data: { displayName: "Changed" } });
    await syncTargetNow(admin, id, ctx);
    await runDueProvisioningJobs(10);
    const [secondId] = [...fake.users.keys()];
    expect(secondId).toBeDefined();
    expect(secondId).not.toBe(firstId);
    expect(fake.users.get(secondId!)).toMatchObject({ displayName: "Changed" });
    expect(await t.db().provisioningMapping.findFirstOrThrow({ where: { targetId: id, userId: u.id } })).toMatchObject({ remoteId: secondId });
    expect((await listTargetLog(admin, id)).slice(0, 2).map((l) => [l.action, l.httpStatus])).toEqual([
      ["create", 201],
      ["update", 404],
    ]);
  });

  it("deletes instead of deactivating when the target says so; a disabled target pushes nothing", async () => {
    const u = await customer();
    const g = await group();
    await join(g.id, u.id);
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName, onLeave: "delete" });
    await runDueProvisioningJobs(10);
    expect(fake.users.size).toBe(1);
    await t.db().groupMember.deleteMany({ where: { groupId: g.id } });
    await setTargetEnabled(admin, id, false, ctx);
    await t.db().provisioningJob.create({ data: { targetId: id, userId: u.id } });
    await runDueProvisioningJobs(10);
    expect(fake.users.size).toBe(1);
    expect(await setTargetEnabled(admin, id, true, ctx)).toEqual({ queued: 1 }); // the mapped user
    await runDueProvisioningJobs(10);
    expect(fake.users.size).toBe(0);
    expect(await t.db().provisioningMapping.count({ where: { targetId: id } })).toBe(0);
  });

  it("coalesces jobs for the same target and user, and an event during a job makes it converge again", async () => {
    const u = await customer();
    const g = await group();
    await join(g.id, u.id);
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName });
    expect(await t.db().provisioningJob.count({ where: { targetId: id, userId: u.id } })).toBe(1);
    await syncTargetNow(admin, id, ctx);
    await syncTargetNow(admin, id, ctx);
    expect(await t.db().provisioningJob.count({ where: { targetId: id, userId: u.id } })).toBe(1);
    expect(await t.db().provisioningJob.findFirstOrThrow({ where: { targetId: id, userId: u.id } })).toMatchObject({ again: true });
    await runDueProvisioningJobs(100);
    expect(await t.db().provisioningJob.count({ where: { targetId: id } })).toBe(0);
    expect(fake.calls.filter((c) => c.startsWith("POST"))).toHaveLength(1);
  });

  it("the janitor's reconciliation walks the users in bounded batches with a cursor", async () => {
    const g = await group();
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await customer());
    for (const u of users) await join(g.id, u.id);
    const { id } = await fakeTarget({ scope: "group", scopeGroup: g.displayName });
    await runDueProvisioningJobs(100);
    expect(fake.users.size).toBe(5);
    for (const r of fake.users.values()) r.displayName = "drift";
    const now = new Date();
    expect(await reconcileProvisioningTargets(now, 2)).toBe(2);
    expect(await t.db().provisioningTarget.findUniqueOrThrow({ where: { id } })).toMatchObject({ reconcileRunning: true, reconcileCursor: expect.any(String) });
    expect(await reconcileProvisioningTargets(now, 2)).toBe(2);
    expect(await reconcileProvisioningTargets(now, 2)).toBe(1);
    expect(await t.db().provisioningTarget.findUniqueOrThrow({ where: { id } })).toMatchObject({ reconcileRunning: false, reconcileCursor: null, lastReconciledAt: now });
    // Done for the day.
    expect(await reconcileProvisioningTargets(new Date(now.getTime() + 3600_000), 2)).toBe(0);
    await runDueProvisioningJobs(100);
    expect([...fake.users.values()].every((r) => r.displayName === "Ada L.")).toBe(true);
  });

  it("an identity event about no person is ignored, one about a person queues a job per enabled target; the log past retention is swept", async () => {
    const { id } = await fakeTarget({ scope: "group", scopeGroup: (await group()).displayName });
    const { id: disabled } = await createTarget(admin, targetInput(`${fakeServer.url}/scim`), ctx);
    await provisioningEventSink({ id: crypto.randomUUID(), type: "user.profile_updated", userId: null as unknown as string, occurredAt: new Date(), data: { fields: [] } });
    expect(await t.db().provisioningJob.count()).toBe(0);
    const someone = crypto.randomUUID();
    const event = { id: crypto.randomUUID(), type: "user.profile_updated" as const, userId: someone, occurredAt: new Date(), data: { fields: ["locale"] } };
    await provisioningEventSink(event);
    await provisioningEventSink(event); // published again after another sink failed: still one job
    expect(await t.db().provisioningJob.findMany({ select: { targetId: true, userId: true } })).toEqual([{ targetId: id, userId: someone }]);
    expect(disabled).not.toBe(id);
    await t.db().provisioningLog.create({ data: { targetId: id, userId: crypto.randomUUID(), action: "create", outcome: "ok", at: new Date(Date.now() - 40 * 86_400_000) } });
    await t.db().provisioningLog.create({ data: { targetId: id, userId: crypto.randomUUID(), action: "create", outcome: "ok" } });
    expect(await sweepOutboxQueue(provisioningQueue)).toMatchObject({ logDeleted: 1 });
    expect(await t.db().provisioningLog.count({ where: { targetId: id } })).toBe(1);
  });
});

describe("targets: checks and permissions", () => {
  it("checks the mapping's target paths and sources, beside the field", async () => {
    expect(parseTargetPath('EMAILS[type eq "Work"].VALUE')).toEqual({ kind: "typed", attr: "emails", type: "work", sub: "value" });
    expect(parseTargetPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")).toEqual({ kind: "enterprise", attr: "department" });
    for (const bad of ["id", "meta.created", "active", "password", "groups", "name.nope", 'emails[type eq "work"].display', "schemas", 'emails[value eq "x"].value', "urn:x:y:z"]) expect(parseTargetPath(bad), bad).toBeNull();
    expect(checkMapping([{ target: "displayName", source: "email" }])).toEqual({ problem: "Map userName: a SCIM user must have one." });
    expect(checkMapping([{ target: "userName", source: "email" }, { target: "username", source: "userId" }])).toMatchObject({ problem: expect.stringContaining("twice") });
    expect(checkMapping([{ target: "userName", source: "passwordHash" }])).toMatchObject({ problem: expect.stringContaining("not a Portico attribute") });
    expect(checkMapping([{ target: "userName", source: "attribute:tier" }])).toEqual({ mapping: [{ target: "userName", source: "attribute:tier" }] });
    expect(mappingFromText("userName = email\nno equals sign")).toEqual({ problem: "Line 2: write target = source." });

    const attempt = (mapping: string) => createTarget(admin, { ...targetInput("https://scim.example.com/v2"), mapping }, ctx);
    await expect(attempt("userName = email\nid = userId")).rejects.toMatchObject({ code: "invalid_input", field: "mapping" });
    await expect(attempt("displayName = displayName")).rejects.toMatchObject({ field: "mapping" });
    const { id } = await attempt("userName = email\nname.givenName = givenName\nurn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department = attribute:department");
    expect((await getTarget(admin, id)).mapping).toEqual([
      { target: "userName", source: "email" },
      { target: "name.givenName", source: "givenName" },
      { target: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", source: "attribute:department" },
    ]);
  });

  it("refuses this Portico's own /scim/v2 (the loop guard), bad URLs and unknown scopes, beside the field", async () => {
    const own = config().publicUrl;
    for (const url of [`${own}/scim/v2`, `${own}/scim/v2/`, `${own}/SCIM/v2/Users`, own.replace("localhost", "127.0.0.1") + "/scim/v2"]) {
      await expect(createTarget(admin, targetInput(url), ctx), url).rejects.toMatchObject({ code: "invalid_input", field: "baseUrl", message: expect.stringContaining("Portico's own SCIM API") });
    }
    expect(checkTargetUrl(`${own}/elsewhere/scim/v2/`)).toBe(`${own}/elsewhere/scim/v2`);
    await expect(createTarget(admin, targetInput("ftp://scim.example.com"), ctx)).rejects.toMatchObject({ field: "baseUrl" });
    await expect(createTarget(admin, targetInput("https://user:pw@scim.example.com"), ctx)).rejects.toMatchObject({ field: "baseUrl" });
    await expect(createTarget(admin, targetInput("http://169.254.169.254/scim"), ctx)).rejects.toMatchObject({ field: "baseUrl", message: expect.stringContaining("may not call") });
    await expect(createTarget(admin, targetInput("https://scim.example.com", { scope: "group", scopeGroup: "No such group" }), ctx)).rejects.toMatchObject({ field: "scopeGroup" });
    await expect(createTarget(admin, targetInput("https://scim.example.com", { scope: "group" }), ctx)).rejects.toMatchObject({ field: "scopeGroup" });
    await expect(createTarget(admin, targetInput("https://scim.example.com", { scope: "application", scopeApplicationId: crypto.randomUUID() }), ctx)).rejects.toMatchObject({ field: "scopeApplicationId" });
    await expect(createTarget(admin, targetInput("https://scim.example.com", { token: "" }), ctx)).rejects.toMatchObject({ field: "token" });
    await expect(createTarget(admin, targetInput("https://scim.example.com", { name: " " }), ctx)).rejects.toBeInstanceOf(ProvisioningTargetError);
    expect(await t.db().provisioningTarget.count()).toBe(0);

    // Plain http carries the bearer token in clear: never to a public host, whatever the policy.
    await expect(createTarget(admin, targetInput("http://scim.example.com/v2"), ctx)).rejects.toMatchObject({ field: "baseUrl", message: expect.stringMatching(/^Use https/) });

    // Without OUTBOUND_ALLOW_LOOPBACK/PRIVATE: https only, and no loopback.
    process.env.OUTBOUND_ALLOW_LOOPBACK = "0";
    reloadConfig();
    try {
      await expect(createTarget(admin, targetInput("http://scim.example.com/v2"), ctx)).rejects.toMatchObject({ field: "baseUrl", message: expect.stringMatching(/^Use https/) });
      await expect(createTarget(admin, targetInput("https://127.0.0.1:8443/scim"), ctx)).rejects.toMatchObject({ field: "baseUrl" });
    } finally {
      process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
      reloadConfig();
    }
  });

  it("seals the token (never shown, never audited), audits every change, and asks for provisioning:read / :write", async () => {
    const { id } = await createTarget(admin, targetInput("https://scim.example.com/v2", { token: "very-secret-token" }), ctx);
    const row = await t.db().provisioningTarget.findUniqueOrThrow({ where: { id } });
    expect(row.tokenSealed).not.toContain("very-secret-token");
    expect(row.enabled).toBe(false);
    expect(JSON.stringify(await getTarget(admin, id))).not.toContain(row.tokenSealed);
    expect(JSON.stringify(await listTargets(admin))).not.toContain("tokenSealed");

    await updateTarget(admin, id, { ...targetInput("https://scim.example.com/v2"), name: "Renamed", token: "" }, ctx);
    await replaceTargetToken(admin, id, "another-secret", ctx);
    await setTargetEnabled(admin, id, true, ctx);
    await syncTargetNow(admin, id, ctx);
    await reconcileTargetNow(admin, id, ctx);
    await setTargetEnabled(admin, id, false, ctx);
    await deleteTarget(admin, id, ctx);
    const events = await t.db().auditEvent.findMany({ where: { targetType: "provisioning_target", targetId: id }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.action)).toEqual([
      "provisioning_target.created",
      "provisioning_target.updated",
      "provisioning_target.token_replaced",
      "provisioning_target.enabled",
      "provisioning_target.sync_requested",
      "provisioning_target.reconcile_requested",
      "provisioning_target.disabled",
      "provisioning_target.deleted",
    ]);
    expect(events.every((e) => e.actorId === admin.id)).toBe(true);
    expect(JSON.stringify(events.map((e) => e.details))).not.toMatch(/secret/);
    expect(events[1]!.details).toMatchObject({ changed: ["name"] });

    const auditor = { id: crypto.randomUUID(), roles: ["auditor"] };
    const helpDesk = { id: crypto.randomUUID(), roles: ["help_desk"] };
    const { id: other } = await createTarget(admin, targetInput("https://scim.example.com/v2"), ctx);
    await expect(listTargets(auditor)).resolves.toHaveLength(1);
    await expect(listTargetLog(auditor, other)).resolves.toEqual([]);
    await expect(listTargets(helpDesk)).rejects.toBeInstanceOf(PermissionError);
    await expect(getTarget(helpDesk, other)).rejects.toBeInstanceOf(PermissionError);
    await expect(createTarget(auditor, targetInput("https://scim.example.com/v2"), ctx)).rejects.toBeInstanceOf(PermissionError);
    for (const act of [
      () => updateTarget(auditor, other, targetInput("https://scim.example.com/v2"), ctx),
      () => replaceTargetToken(auditor, other, "x", ctx),
      () => setTargetEnabled(auditor, other, true, ctx),
      () => syncTargetNow(auditor, other, ctx),
      () => reconcileTargetNow(auditor, other, ctx),
      () => deleteTarget(auditor, other, ctx),
    ]) {
      await expect(act()).rejects.toBeInstanceOf(PermissionError);
    }
    await expect(syncTargetNow(admin, other, ctx)).rejects.toMatchObject({ code: "disabled" });
    await expect(getTarget(admin, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
  });
});
