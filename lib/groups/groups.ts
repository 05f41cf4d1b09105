// Groups in the console: list, read, create, rename and delete them, add and remove members. The
// SCIM API writes the same rows (lib/scim); both keep the name unique ignoring case and staff out of
// every group, and every change bumps the group's updatedAt, which SCIM's meta.version follows.
// Groups are the tenant's: creating, renaming and deleting one needs groups:write tenant-wide; a
// member is a customer, so adding or removing one needs groups:write and users:write over that
// customer (a segment's administrator, user_admin:region=EU, changes only the segment's customers).
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { z } from "zod";
import { recordAudit, type RequestContext } from "@/lib/audit";
import type { Tx } from "@/lib/db";
import { isUuid } from "@/lib/formats";
import { assertPermission, assertTenantWidePermission, assertUserPermission, canActOnApplication, canActOnUser, customerTargetByEmail, type Actor } from "@/lib/users";
import { applicationsWithRolesHeldBy } from "./entitlements.repo";
import { GroupError } from "./groups.errors";
import {
  deleteGroupMember,
  deleteGroupRow,
  findGroupRow,
  findMemberAccount,
  groupNameHeld,
  insertGroup,
  insertGroupMember,
  isUniqueViolation,
  listGroupMemberRows,
  listGroupRows,
  lockGroupRow,
  renameGroupRow,
  withTransaction,
  type GroupRow,
} from "./groups.repo";

export const GROUP_PAGE_SIZE = 50;
export const MEMBER_PAGE_SIZE = 100;

/** A group's name: what SCIM's displayName allows (up to 256 characters), trimmed, not empty. */
export const groupNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(256, "At most 256 characters.")
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "A name cannot contain control characters.");

const adminOf = (actor: Actor) => ({ type: "admin" as const, id: actor.id });
const nameTaken = (name: string) => new GroupError("name_taken", `A group named "${name}" already exists.`, "displayName");
const noSuchGroup = () => new GroupError("not_found", "No such group.");

function parsedName(displayName: string): string {
  const parsed = groupNameSchema.safeParse(displayName);
  if (!parsed.success) throw new GroupError("invalid_input", parsed.error.issues[0]?.message ?? "Enter a name.", "displayName");
  return parsed.data;
}

// Cursors: base64url of the last row's key, opaque to the page.
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
function decode<T>(cursor: string, check: (v: unknown) => v is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (check(value)) return value;
  } catch {
    // below
  }
  throw new GroupError("invalid_cursor", "This page link is not valid. Go back to the first page.");
}

export interface GroupListItem {
  id: string;
  displayName: string;
  memberCount: number;
  updatedAt: Date;
}

export interface GroupListPage {
  groups: GroupListItem[];
  /** The next page's cursor, null on the last page. */
  next: string | null;
}

/** Groups by name, a page of GROUP_PAGE_SIZE, those whose name starts with `search` (ignoring case) when given. */
export async function listGroups(actor: Actor, opts: { search?: string; cursor?: string } = {}): Promise<GroupListPage> {
  assertPermission(actor, "groups:read");
  const prefix = opts.search?.trim().slice(0, 256) || null;
  const after = opts.cursor ? decode(opts.cursor, (v): v is string => typeof v === "string" && v.length <= 1024) : null;
  const rows = await listGroupRows({ prefix, after, limit: GROUP_PAGE_SIZE + 1 });
  const page = rows.slice(0, GROUP_PAGE_SIZE);
  return {
    groups: page.map((r) => ({ id: r.id, displayName: r.displayName, memberCount: r.memberCount, updatedAt: r.updatedAt })),
    next: rows.length > GROUP_PAGE_SIZE ? encode(page[page.length - 1]!.sortKey) : null,
  };
}

export interface GroupMemberView {
  userId: string;
  email: string | null;
  displayName: string | null;
  /** The name the provisioning client gave the member, if any. */
  display: string | null;
  addedAt: Date;
}

export interface GroupDetail extends Omit<GroupRow, "memberCount"> {
  memberCount: number;
  /** A page of MEMBER_PAGE_SIZE members in the order they joined, those the actor may read. */
  members: GroupMemberView[];
  /** Members on this page outside the actor's segments (users:read), not shown. */
  hiddenMembers: number;
  /** The next page of members, null on the last. */
  nextMembers: string | null;
}

type MemberCursor = { t: string; u: string };
const isMemberCursor = (v: unknown): v is MemberCursor =>
  typeof v === "object" && v !== null && typeof (v as MemberCursor).t === "string" && !Number.isNaN(Date.parse((v as MemberCursor).t)) && isUuid((v as MemberCursor).u);

/**
 * One group with a page of its members (their sign-in address and name). A segment's reader sees
 * the members in their segments only; the others are counted, not named.
 */
export async function getGroup(actor: Actor, id: string, opts: { membersCursor?: string } = {}): Promise<GroupDetail> {
  assertPermission(actor, "groups:read");
  const group = isUuid(id) ? await findGroupRow(id) : null;
  if (!group) throw noSuchGroup();
  const after = opts.membersCursor ? decode(opts.membersCursor, isMemberCursor) : null;
  const rows = await listGroupMemberRows(id, after && { addedAt: new Date(after.t), userId: after.u }, MEMBER_PAGE_SIZE + 1);
  const page = rows.slice(0, MEMBER_PAGE_SIZE);
  const last = page[page.length - 1];
  const visible = page.filter((m) => canActOnUser(actor, "users:read", m));
  return {
    ...group,
    members: visible.map((m) => ({ userId: m.userId, email: m.email, displayName: m.displayName, display: m.display, addedAt: m.addedAt })),
    hiddenMembers: page.length - visible.length,
    nextMembers: rows.length > MEMBER_PAGE_SIZE && last ? encode({ t: last.addedAt.toISOString(), u: last.userId }) : null,
  };
}

/** A new group, without members. The name is unique ignoring case ("name_taken" on displayName). */
export async function createGroup(actor: Actor, displayName: string, ctx: RequestContext = {}): Promise<{ id: string; displayName: string }> {
  assertTenantWidePermission(actor, "groups:write");
  const name = parsedName(displayName);
  try {
    return await withTransaction(async (tx) => {
      if (await groupNameHeld(name, null, tx)) throw nameTaken(name);
      const group = await insertGroup(name, tx);
      await recordAudit({ actor: adminOf(actor), action: "group.created", target: { type: "group", id: group.id }, result: "success", context: ctx, details: { displayName: name } }, tx);
      return group;
    });
  } catch (e) {
    // Two creations of one name at once: the unique index decides.
    if (isUniqueViolation(e)) throw nameTaken(name);
    throw e;
  }
}

export async function renameGroup(actor: Actor, id: string, displayName: string, ctx: RequestContext = {}): Promise<{ id: string; displayName: string }> {
  assertTenantWidePermission(actor, "groups:write");
  const name = parsedName(displayName);
  if (!isUuid(id)) throw noSuchGroup();
  try {
    return await withTransaction(async (tx) => {
      const group = await lockGroupRow(id, tx);
      if (!group) throw noSuchGroup();
      if (group.displayName === name) return group;
      if (await groupNameHeld(name, id, tx)) throw nameTaken(name);
      await renameGroupRow(id, name, tx);
      await recordAudit({ actor: adminOf(actor), action: "group.renamed", target: { type: "group", id }, result: "success", context: ctx, details: { from: group.displayName, to: name } }, tx);
      return { id, displayName: name };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(name);
    throw e;
  }
}

/** Deletes the group and its memberships (the accounts stay). */
export async function deleteGroup(actor: Actor, id: string, ctx: RequestContext = {}): Promise<{ displayName: string; membersRemoved: number }> {
  assertTenantWidePermission(actor, "groups:write");
  if (!isUuid(id)) throw noSuchGroup();
  return withTransaction(async (tx) => {
    const group = await lockGroupRow(id, tx);
    if (!group) throw noSuchGroup();
    await assertMayChangeRolesOf(actor, id, tx);
    const members = await deleteGroupRow(id, tx);
    const membersRemoved = members.length;
    for (const userId of members) await emitIdentityEvent({ type: "group.membership_changed", userId, data: { groupId: id, change: "removed" } }, tx);
    await recordAudit({ actor: adminOf(actor), action: "group.deleted", target: { type: "group", id }, result: "success", context: ctx, details: { displayName: group.displayName, membersRemoved } }, tx);
    return { displayName: group.displayName, membersRemoved };
  });
}

/**
 * A member of a group holds the application roles given to the group, so changing who is in it
 * gives or takes those roles: that needs applications:write over each of those applications, as
 * giving the role directly does (lib/applications/roles.ts).
 */
async function assertMayChangeRolesOf(actor: Actor, groupId: string, tx: Tx, field?: "email"): Promise<void> {
  const refused = (await applicationsWithRolesHeldBy(groupId, tx)).filter((app) => !canActOnApplication(actor, "applications:write", app.id));
  if (refused.length > 0) {
    throw new GroupError("roles_not_yours", `This group holds roles of ${refused.map((a) => a.name).join(", ")}: changing its members needs the right to manage ${refused.length === 1 ? "that application" : "those applications"}.`, field);
  }
}

export const NO_ACCOUNT_MESSAGE = "No account has this email address.";
export const STAFF_MEMBER_MESSAGE = "This account administers Portico: staff cannot be group members.";

/**
 * Adds the customer whose sign-in address is `email`. Needs groups:write and users:write over the
 * customer; staff are refused ("staff_account"), an unknown address is "no_account", both on the
 * email field.
 */
export async function addMember(actor: Actor, groupId: string, email: string, ctx: RequestContext = {}): Promise<{ userId: string; email: string }> {
  assertPermission(actor, "groups:write");
  assertPermission(actor, "users:write");
  if (!isUuid(groupId)) throw noSuchGroup();
  return withTransaction(async (tx) => {
    const group = await lockGroupRow(groupId, tx);
    if (!group) throw noSuchGroup();
    await assertMayChangeRolesOf(actor, groupId, tx, "email");
    const user = await customerTargetByEmail(actor, "users:write", email.slice(0, 320), tx);
    if (user === null) throw new GroupError("no_account", NO_ACCOUNT_MESSAGE, "email");
    if (user === "staff") throw new GroupError("staff_account", STAFF_MEMBER_MESSAGE, "email");
    if (!(await insertGroupMember(groupId, user.id, tx))) throw new GroupError("already_member", `${user.email} is already a member of ${group.displayName}.`, "email");
    await recordAudit({ actor: adminOf(actor), action: "group.member_added", target: { type: "group", id: groupId }, result: "success", context: ctx, details: { userId: user.id, email: user.email } }, tx);
    await emitIdentityEvent({ type: "group.membership_changed", userId: user.id, data: { groupId, change: "added" } }, tx);
    return { userId: user.id, email: user.email };
  });
}

/** Removes a member (the account stays). Needs groups:write and users:write over the customer. */
export async function removeMember(actor: Actor, groupId: string, userId: string, ctx: RequestContext = {}): Promise<void> {
  assertPermission(actor, "groups:write");
  assertPermission(actor, "users:write");
  if (!isUuid(groupId)) throw noSuchGroup();
  await withTransaction(async (tx) => {
    const group = await lockGroupRow(groupId, tx);
    if (!group) throw noSuchGroup();
    const member = isUuid(userId) ? await findMemberAccount(groupId, userId, tx) : null;
    if (!member) throw new GroupError("not_member", "This account is not a member of the group.");
    assertUserPermission(actor, "users:write", member);
    await assertMayChangeRolesOf(actor, groupId, tx);
    await deleteGroupMember(groupId, userId, tx);
    await recordAudit({ actor: adminOf(actor), action: "group.member_removed", target: { type: "group", id: groupId }, result: "success", context: ctx, details: { userId, email: member.email } }, tx);
    await emitIdentityEvent({ type: "group.membership_changed", userId, data: { groupId, change: "removed" } }, tx);
  });
}
