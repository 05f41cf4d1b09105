// The SCIM service (RFC 7644 §3): list, read, create, replace, patch and delete users and groups
// for a provisioning client. Scopes are checked here, not only at the endpoint; every change is
// audited in its own transaction with the client as the actor.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { evaluatePassword, hashPassword } from "@/lib/credentials";
import { isUuid } from "@/lib/formats";
import { listAttributeDefinitions, parseAttributesForNewAccount, ProfileError } from "@/lib/profile";
import type { ProvisioningClient } from "@/lib/provisioning";
import { addressHeldForSwitchBack, mailAdminChange, mailInvitation, markProvisionedAccountForErasure } from "@/lib/users";
import { kickOutbox } from "@/lib/outbox";
import { normalizedEmailIfValid } from "./addresses";
import type { AttrPath } from "./filter-ast";
import { parseFilter } from "./filter";
import { compileFilter, groupCatalog, sortKey, userCatalog } from "./filter-sql.repo";
import { normaliseInput } from "./normalise";
import { applyPatch } from "./patch";
import { project } from "./projection";
import { PORTICO_USER_SCHEMA, USER_SCHEMA, resourceSchema, type CustomAttributeDef, type ResourceKind, type ScimExtensions } from "./schemas";
import {
  deleteScimGroup,
  existingScimUserIds,
  findScimGroup,
  findScimUser,
  groupNameHeld,
  insertScimGroup,
  insertScimUser,
  isUniqueViolation,
  withTransaction,
  listScimGroups,
  listScimUsers,
  setGroupMembers,
  signInAddressHeld,
  updateScimGroup,
  updateScimUser,
  userNameHeld,
  type ScimUserRow,
  type ScimUserWrite,
  type Tx,
} from "./scim.repo";
import { ScimError, invalidValue } from "./scim.errors";
import { fromScimUser, toScimUser, versionOf } from "./user-resource";
import { toScimGroup, fromScimGroup } from "./group-resource";

type Json = Record<string, unknown>;

export interface ScimCaller {
  client: ProvisioningClient;
  ctx: RequestContext;
  /** https://host/scim/v2: the resources' locations. */
  baseUrl: string;
}

export interface ListQuery {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: number;
  count?: number;
  attributes?: readonly AttrPath[];
  excludedAttributes?: readonly AttrPath[];
}

/** RFC 7644 §3.4.2.4: the most a page holds (ServiceProviderConfig filter.maxResults). */
export const MAX_RESULTS = 200;
const DEFAULT_COUNT = 100;
const MAX_START_INDEX = 2_000_000_000;

const actorOf = (caller: ScimCaller) => ({ type: "system", id: `provisioning:${caller.client.tokenId}` }) as const;

function requireScope(caller: ScimCaller, scope: "scim:read" | "scim:write"): void {
  if (!caller.client.scopes.includes(scope)) throw new ScimError(403, "forbidden", `This token does not carry ${scope}.`);
}

const notFound = (kind: ResourceKind, id: string) => new ScimError(404, "notFound", `${kind} ${id} not found.`);

/** Administrator-defined attributes, as the Portico extension offers them. */
export async function scimExtensions(): Promise<ScimExtensions> {
  const definitions = await listAttributeDefinitions();
  const custom: CustomAttributeDef[] = definitions.map((d) => ({
    name: d.name,
    type: d.type === "number" ? "number" : d.type === "boolean" ? "boolean" : d.type === "date" ? "date" : "string",
    description: d.label,
  }));
  return { custom };
}

function windowOf(query: ListQuery) {
  // §3.4.2.4: startIndex below 1 is 1; a negative count is 0.
  // Past any list there is: an empty page, not a number PostgreSQL cannot hold.
  const startIndex = Math.min(MAX_START_INDEX, Math.max(1, Math.trunc(query.startIndex ?? 1) || 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, Math.trunc(query.count ?? DEFAULT_COUNT)));
  const descending = (query.sortOrder ?? "ascending").toLowerCase() === "descending";
  return { startIndex, count, descending };
}

function listResponse(resources: Json[], total: number, startIndex: number): Json {
  return { schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}

function sortPath(sortBy: string | undefined): AttrPath | null {
  if (!sortBy) return null;
  const parsed = parseFilter(`${sortBy} pr`);
  if (parsed.kind !== "present") throw invalidValue(`sortBy "${sortBy}" is not an attribute.`);
  return parsed.path;
}

// Users ------------------------------------------------------------------------------------------

export async function listUsers(caller: ScimCaller, query: ListQuery): Promise<Json> {
  requireScope(caller, "scim:read");
  const ext = await scimExtensions();
  const catalog = userCatalog(ext.custom.map((c) => ({ name: c.name, type: c.type })));
  const { startIndex, count, descending } = windowOf(query);
  const sort = sortPath(query.sortBy);
  const { total, rows } = await listScimUsers({
    where: query.filter ? compileFilter(parseFilter(query.filter), catalog) : null,
    orderBy: sort ? sortKey(sort, catalog) : null,
    descending,
    offset: startIndex - 1,
    limit: count,
  });
  const schema = resourceSchema("User", ext);
  return listResponse(
    rows.map((row) => project(toScimUser(row, caller.baseUrl), query, schema)),
    total,
    startIndex,
  );
}

export async function getUser(caller: ScimCaller, id: string, query: Pick<ListQuery, "attributes" | "excludedAttributes">): Promise<Json> {
  requireScope(caller, "scim:read");
  const row = isUuid(id) ? await findScimUser(id) : null;
  if (!row) throw notFound("User", id);
  return project(toScimUser(row, caller.baseUrl), query, resourceSchema("User", await scimExtensions()));
}

/** The password a provisioning system sets: the same policy as every other way in, then hashed. */
async function checkedPasswordHash(password: string, who: { email: string | null; displayName: string | null }): Promise<string> {
  const evaluation = evaluatePassword(password, { email: who.email ?? undefined, displayName: who.displayName ?? undefined, singleFactor: true });
  if (evaluation.issues.length) throw invalidValue(`password: ${evaluation.issues.map((i) => i.message).join(" ")}`);
  return hashPassword(password);
}

async function customValues(values: Json | undefined): Promise<Json | undefined> {
  if (!values) return undefined;
  try {
    return await parseAttributesForNewAccount(values, "json");
  } catch (e) {
    if (e instanceof ProfileError) throw invalidValue(`${PORTICO_USER_SCHEMA}: ${e.message}`);
    throw e;
  }
}

const userNameTaken = (userName: string) => new ScimError(409, "uniqueness", `userName "${userName}" is already taken.`);

/** A unique index caught what the check before it missed (a concurrent write): the same 409. */
async function uniquely<T>(what: () => ScimError, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isUniqueViolation(e)) throw what();
    throw e;
  }
}

export async function createUser(caller: ScimCaller, body: unknown, now = new Date()): Promise<Json> {
  requireScope(caller, "scim:write");
  const ext = await scimExtensions();
  const write = fromScimUser(normaliseInput(body, "User", ext), null, now);
  const custom = await customValues(write.custom);
  const address = normalizedEmailIfValid(write.preferredSignInAddress);
  const passwordHash = write.password ? await checkedPasswordHash(write.password, { email: address, displayName: write.columns.displayName }) : null;
  const id = await uniquely(
    () => userNameTaken(write.columns.userName),
    () =>
      withTransaction(async (tx) => {
        if (await userNameHeld(write.columns.userName, null, tx)) throw userNameTaken(write.columns.userName);
        // The sign-in address only if no other account holds it: SCIM emails are contact data (RFC
        // 7643 sets no uniqueness on them), the sign-in address is unique.
        const email = address && (await signInAddressFree(address, null, tx)) ? address : null;
        const userId = await insertScimUser({ ...write.columns, attributes: custom ?? {}, email, passwordHash }, tx);
        // Without a password the owner sets one through the invitation (which proves the address too).
        const invited = caller.client.sendInvitations && email !== null && passwordHash === null;
        if (invited) await mailInvitation({ id: userId, email, displayName: write.columns.displayName }, tx, now);
        await recordAudit({ actor: actorOf(caller), action: "scim.user_created", target: { type: "user", id: userId }, result: "success", context: caller.ctx, details: { client: caller.client.name, signInAddress: email !== null, password: passwordHash !== null, invited } }, tx);
        await emitIdentityEvent({ type: "user.created", userId, data: { source: "scim" } }, tx);
        return userId;
      }),
  );
  kickOutbox();
  return toScimUser((await findScimUser(id))!, caller.baseUrl);
}

/** RFC 7644 §3.14: If-Match names the version the client last read; another is 412. */
function checkVersion(current: Json, ifMatch: string | null): void {
  if (!ifMatch || ifMatch.trim() === "*") return;
  const version = (current.meta as Json).version as string;
  const wanted = ifMatch.split(",").map((v) => v.trim());
  if (!wanted.includes(version)) throw new ScimError(412, "preconditionFailed", `The resource has changed: its version is ${version}.`);
}

export interface UserChange {
  resource: Json;
  /** Deactivated by this change (active true → false): the caller ends its sessions. */
  deactivated: boolean;
  /** The password was set: the caller ends the other sessions. */
  passwordSet: boolean;
}

async function writeUser(caller: ScimCaller, id: string, ifMatch: string | null, action: "scim.user_replaced" | "scim.user_patched", next: (current: Json, ext: ScimExtensions) => Json, now: Date): Promise<UserChange> {
  requireScope(caller, "scim:write");
  if (!isUuid(id)) throw notFound("User", id);
  const ext = await scimExtensions();
  const change = await withTransaction(async (tx) => {
    const row = await findScimUser(id, tx, { lock: true });
    if (!row) throw notFound("User", id);
    const current = toScimUser(row, caller.baseUrl);
    checkVersion(current, ifMatch);
    const write = fromScimUser(next(current, ext), row, now);
    if (await userNameHeld(write.columns.userName, id, tx)) throw userNameTaken(write.columns.userName);
    // Without the extension the custom attributes stay: a client that does not know them must not wipe them.
    const custom = (await customValues(write.custom)) ?? row.attributes;
    const signIn = await signInAddressChange(row, write.preferredSignInAddress, tx);
    const passwordHash = write.password ? await checkedPasswordHash(write.password, { email: signIn?.email ?? row.email, displayName: write.columns.displayName }) : undefined;
    await updateScimUser(id, { ...write.columns, attributes: custom, ...signIn, ...(passwordHash ? { passwordHash } : {}) }, tx);
    await recordAudit(
      { actor: actorOf(caller), action, target: { type: "user", id }, result: "success", context: caller.ctx, details: { client: caller.client.name, signInAddressChanged: signIn !== undefined, password: passwordHash !== undefined, active: write.columns.disabledAt === null } },
      tx,
    );
    // The old address is told, as after an administrator's change: a provisioning token that moved
    // an account to an address its holder controls must not go unnoticed by the account's owner.
    if (signIn && row.email) await mailAdminChange({ email: row.email, displayName: write.columns.displayName }, "email_changed", tx);
    const fields = changedFields(row, { ...write.columns, attributes: custom }, signIn !== undefined);
    if (fields.length) await emitIdentityEvent({ type: "user.profile_updated", userId: id, data: { fields } }, tx);
    if ((row.disabledAt === null) !== (write.columns.disabledAt === null)) {
      await emitIdentityEvent({ type: write.columns.disabledAt === null ? "user.enabled" : "user.disabled", userId: id, data: { by: "scim" } }, tx);
    }
    if (passwordHash !== undefined) await emitIdentityEvent({ type: "user.password_changed", userId: id, data: { method: "scim" } }, tx);
    return { deactivated: row.disabledAt === null && write.columns.disabledAt !== null, passwordSet: passwordHash !== undefined };
  });
  return { resource: toScimUser((await findScimUser(id))!, caller.baseUrl), ...change };
}

const PROFILE_COLUMNS = ["userName", "externalId", "displayName", "givenName", "familyName", "middleName", "nickname", "websiteUrl", "locale", "zoneinfo"] as const;

/**
 * The names of what a write changed, for user.profile_updated (never the values): the columns,
 * `scim.<attribute>` for the stored SCIM attributes, `attr.<key>` for the custom ones (as lib/profile
 * names them), and `email` when the sign-in address moved.
 */
function changedFields(row: ScimUserRow, next: Omit<ScimUserWrite, "disabledAt">, emailChanged: boolean): string[] {
  const differs = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
  const keysChanged = (before: Record<string, unknown>, after: Record<string, unknown>) => [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => differs(before[k], after[k])).sort();
  return [
    ...PROFILE_COLUMNS.filter((c) => differs(row[c], next[c])),
    ...keysChanged(row.scimAttributes ?? {}, next.scimAttributes ?? {}).map((k) => `scim.${k}`),
    ...keysChanged(row.attributes ?? {}, next.attributes ?? {}).map((k) => `attr.${k}`),
    ...(emailChanged ? ["email"] : []),
  ];
}

/**
 * The sign-in address follows the resource's preferred email when that is a usable address no
 * other account holds; it is then unverified until its owner proves it. Otherwise it stays.
 */
async function signInAddressChange(row: ScimUserRow, preferred: string | null, tx: Tx): Promise<{ email: string; emailVerifiedAt: null } | undefined> {
  const address = normalizedEmailIfValid(preferred);
  if (!address || address === row.email || !(await signInAddressFree(address, row.id, tx))) return undefined;
  return { email: address, emailVerifiedAt: null };
}

/**
 * No other account holds the address, and none may switch back to it (an email change its owner
 * can still undo keeps the old address theirs: lib/users), so SCIM never takes it from them.
 */
async function signInAddressFree(address: string, exceptUserId: string | null, tx: Tx): Promise<boolean> {
  if (await signInAddressHeld(address, exceptUserId, tx)) return false;
  return !(await addressHeldForSwitchBack(address, { exceptUserId: exceptUserId ?? undefined, tx }));
}

const withoutReadOnly = (resource: Json): Json => {
  const { meta: _meta, groups: _groups, id: _id, ...rest } = resource;
  return rest;
};

export function replaceUser(caller: ScimCaller, id: string, body: unknown, ifMatch: string | null, now = new Date()): Promise<UserChange> {
  return writeUser(caller, id, ifMatch, "scim.user_replaced", (_current, ext) => normaliseInput(body, "User", ext), now);
}

export function patchUser(caller: ScimCaller, id: string, body: unknown, ifMatch: string | null, now = new Date()): Promise<UserChange> {
  return writeUser(caller, id, ifMatch, "scim.user_patched", (current, ext) => applyPatch(withoutReadOnly(current), body, "User", ext), now);
}

/**
 * A DELETE (RFC 7644 §3.6): under the row lock, the user is one SCIM may see (not staff) at the
 * version named, and is made due for erasure now; the caller (lib/http) signs it out and erases it.
 */
export async function markUserForDeletion(caller: ScimCaller, id: string, ifMatch: string | null, now = new Date()): Promise<void> {
  requireScope(caller, "scim:write");
  if (!isUuid(id)) throw notFound("User", id);
  await withTransaction(async (tx) => {
    const row = await findScimUser(id, tx, { lock: true });
    if (!row) throw notFound("User", id);
    checkVersion(toScimUser(row, caller.baseUrl), ifMatch);
    await markProvisionedAccountForErasure(id, now, tx);
    await recordAudit({ actor: actorOf(caller), action: "scim.user_deleted", target: { type: "user", id }, result: "success", context: caller.ctx, details: { client: caller.client.name } }, tx);
  });
}

/** What /Me releases: the profile's attributes, and each contact list only with its scope (as UserInfo, OIDC Core §5.4). */
const OWN_PROFILE = ["schemas", "id", "userName", "name", "displayName", "nickName", "profileUrl", "preferredLanguage", "locale", "timezone", "active", "meta"];
const OWN_BY_SCOPE: Record<string, string> = { emails: "email", phoneNumbers: "phone", addresses: "address" };

/**
 * RFC 7644 §3.11 /Me: the signed-in person's own User, for an application holding their access
 * token (authenticated by lib/http): never what the token's scopes do not cover (the enterprise
 * data, custom attributes, groups).
 */
export async function getOwnUser(userId: string, scopes: readonly string[], baseUrl: string, query: Pick<ListQuery, "attributes" | "excludedAttributes">): Promise<Json> {
  const row = isUuid(userId) ? await findScimUser(userId) : null;
  if (!row) throw new ScimError(404, "notFound", "Your account is not a SCIM resource (staff accounts are outside SCIM).");
  const full = toScimUser(row, baseUrl);
  const released = Object.fromEntries(Object.entries(full).filter(([key]) => OWN_PROFILE.includes(key) || (OWN_BY_SCOPE[key] !== undefined && scopes.includes(OWN_BY_SCOPE[key]))));
  released.schemas = [USER_SCHEMA];
  return project(released, query, resourceSchema("User", { custom: [] }));
}

/** A resource a write answered, as `attributes` / `excludedAttributes` ask (RFC 7644 §3.9). */
export async function projectResource(kind: ResourceKind, resource: Json, query: Pick<ListQuery, "attributes" | "excludedAttributes">): Promise<Json> {
  const ext = kind === "User" ? await scimExtensions() : { custom: [] };
  return project(resource, query, resourceSchema(kind, ext));
}

// Groups -----------------------------------------------------------------------------------------

export async function listGroups(caller: ScimCaller, query: ListQuery): Promise<Json> {
  requireScope(caller, "scim:read");
  const { startIndex, count, descending } = windowOf(query);
  const sort = sortPath(query.sortBy);
  const schema = resourceSchema("Group", { custom: [] });
  // Members are the heavy part of a group: not read when the response would drop them.
  const excluded = (query.excludedAttributes ?? []).some((p) => p.attr.toLowerCase() === "members" && !p.sub);
  const selectedWithoutMembers = query.attributes?.length ? !query.attributes.some((p) => p.attr.toLowerCase() === "members") : false;
  const { total, rows } = await listScimGroups(
    { where: query.filter ? compileFilter(parseFilter(query.filter), groupCatalog) : null, orderBy: sort ? sortKey(sort, groupCatalog) : null, descending, offset: startIndex - 1, limit: count },
    !(excluded || selectedWithoutMembers),
  );
  return listResponse(
    rows.map((row) => project(toScimGroup(row, caller.baseUrl), query, schema)),
    total,
    startIndex,
  );
}

export async function getGroup(caller: ScimCaller, id: string, query: Pick<ListQuery, "attributes" | "excludedAttributes">): Promise<Json> {
  requireScope(caller, "scim:read");
  const row = isUuid(id) ? await findScimGroup(id) : null;
  if (!row) throw notFound("Group", id);
  return project(toScimGroup(row, caller.baseUrl), query, resourceSchema("Group", { custom: [] }));
}

const groupNameTaken = (name: string) => new ScimError(409, "uniqueness", `A group named "${name}" already exists.`);

/**
 * The members that name users SCIM can see; others are left out rather than refused (Entra's
 * collection adds "string id 1" and expects success; RFC 7644 §3.5.2 leaves it to the provider).
 */
async function knownMembers(members: { value: string; display: string | null }[], tx: Tx) {
  const known = await existingScimUserIds(members.map((m) => m.value).filter(isUuid), tx);
  return members.filter((m) => known.has(m.value)).map((m) => ({ userId: m.value, display: m.display }));
}

/** One group.membership_changed per member who joined or left (ids only). */
async function emitMembershipChanges(groupId: string, added: string[], removed: string[], tx: Tx): Promise<void> {
  for (const userId of added) await emitIdentityEvent({ type: "group.membership_changed", userId, data: { groupId, change: "added" } }, tx);
  for (const userId of removed) await emitIdentityEvent({ type: "group.membership_changed", userId, data: { groupId, change: "removed" } }, tx);
}

export async function createGroup(caller: ScimCaller, body: unknown): Promise<Json> {
  requireScope(caller, "scim:write");
  const write = fromScimGroup(normaliseInput(body, "Group", { custom: [] }));
  const id = await uniquely(
    () => groupNameTaken(write.displayName),
    () =>
      withTransaction(async (tx) => {
        if (await groupNameHeld(write.displayName, null, tx)) throw groupNameTaken(write.displayName);
        const groupId = await insertScimGroup({ displayName: write.displayName, externalId: write.externalId }, tx);
        const { added } = await setGroupMembers(groupId, await knownMembers(write.members, tx), tx);
        await emitMembershipChanges(groupId, added, [], tx);
        await recordAudit({ actor: actorOf(caller), action: "scim.group_created", target: { type: "group", id: groupId }, result: "success", context: caller.ctx, details: { client: caller.client.name, displayName: write.displayName, added } }, tx);
        return groupId;
      }),
  );
  return toScimGroup((await findScimGroup(id))!, caller.baseUrl);
}

async function writeGroup(caller: ScimCaller, id: string, ifMatch: string | null, action: string, next: (current: Json) => Json): Promise<Json> {
  requireScope(caller, "scim:write");
  if (!isUuid(id)) throw notFound("Group", id);
  await uniquely(
    () => new ScimError(409, "uniqueness", "A group with this displayName already exists."),
    () =>
      withTransaction(async (tx) => {
        const row = await findScimGroup(id, tx, { lock: true });
        if (!row) throw notFound("Group", id);
        const current = toScimGroup(row, caller.baseUrl);
        checkVersion(current, ifMatch);
        const write = fromScimGroup(next(current));
        if (await groupNameHeld(write.displayName, id, tx)) throw groupNameTaken(write.displayName);
        await updateScimGroup(id, { displayName: write.displayName, externalId: write.externalId }, tx);
        // A member's display sent back as it was shown (the user's own name) is not the client's name for them.
        const shown = new Map(row.members.map((m) => [m.id, m]));
        const members = write.members.map((m) => (shown.get(m.value)?.given === null && shown.get(m.value)?.display === m.display ? { ...m, display: null } : m));
        const { added, removed } = await setGroupMembers(id, await knownMembers(members, tx), tx);
        await emitMembershipChanges(id, added, removed, tx);
        await recordAudit({ actor: actorOf(caller), action, target: { type: "group", id }, result: "success", context: caller.ctx, details: { client: caller.client.name, added, removed } }, tx);
      }),
  );
  return toScimGroup((await findScimGroup(id))!, caller.baseUrl);
}

export function replaceGroup(caller: ScimCaller, id: string, body: unknown, ifMatch: string | null): Promise<Json> {
  return writeGroup(caller, id, ifMatch, "scim.group_replaced", () => normaliseInput(body, "Group", { custom: [] }));
}

export function patchGroup(caller: ScimCaller, id: string, body: unknown, ifMatch: string | null): Promise<Json> {
  return writeGroup(caller, id, ifMatch, "scim.group_patched", (current) => applyPatch(withoutReadOnly(current), body, "Group", { custom: [] }));
}

export async function deleteGroup(caller: ScimCaller, id: string, ifMatch: string | null): Promise<void> {
  requireScope(caller, "scim:write");
  if (!isUuid(id)) throw notFound("Group", id);
  await withTransaction(async (tx) => {
    const row = await findScimGroup(id, tx, { lock: true });
    if (!row) throw notFound("Group", id);
    checkVersion(toScimGroup(row, caller.baseUrl), ifMatch);
    const { members } = await deleteScimGroup(id, tx);
    await emitMembershipChanges(id, [], members, tx);
    await recordAudit({ actor: actorOf(caller), action: "scim.group_deleted", target: { type: "group", id }, result: "success", context: caller.ctx, details: { client: caller.client.name, displayName: row.displayName } }, tx);
  });
}

export { versionOf };
