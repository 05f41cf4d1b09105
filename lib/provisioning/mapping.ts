// The SCIM User resource (RFC 7643 §4.1) a target should hold for one Portico user: built from the
// target's attribute mapping, hashed to tell whether it changed since the last push, and compared
// with the resource the target returns (reconciliation).
import "server-only";
import { sha256Hex } from "@/lib/crypto";
import { ENTERPRISE_SCHEMA, parseTargetPath, type MappingEntry, type TargetPath } from "./targets.schema";
import type { Json } from "./scim-client";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

/** What a mapping may read of a user. */
export interface SourceUser {
  id: string;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  middleName: string | null;
  displayName: string | null;
  nickname: string | null;
  locale: string | null;
  zoneinfo: string | null;
  phoneNumber: string | null;
  attributes: unknown;
}

function sourceValue(user: SourceUser, source: string): string | number | boolean | undefined {
  if (source.startsWith("attribute:")) {
    const attrs = user.attributes && typeof user.attributes === "object" ? (user.attributes as Record<string, unknown>) : {};
    const v = attrs[source.slice("attribute:".length)];
    return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : undefined;
  }
  const v = source === "userId" ? user.id : (user as unknown as Record<string, unknown>)[source];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function place(resource: Json, path: TargetPath, value: string | number | boolean): void {
  switch (path.kind) {
    case "simple":
      resource[path.attr] = value;
      return;
    case "sub":
      resource[path.attr] = { ...((resource[path.attr] as Json | undefined) ?? {}), [path.sub]: value };
      return;
    case "enterprise":
      resource[ENTERPRISE_SCHEMA] = { ...((resource[ENTERPRISE_SCHEMA] as Json | undefined) ?? {}), [path.attr]: value };
      return;
    case "typed": {
      // §2.4: one element per type; the first element of the attribute is the primary one.
      const list = ((resource[path.attr] as Json[] | undefined) ??= []);
      let element = list.find((e) => e.type === path.type);
      if (!element) list.push((element = { type: path.type, ...(list.length === 0 ? { primary: true } : {}) }));
      element[path.sub] = value;
      return;
    }
  }
}

/** The resource to push: the mapped attributes that have a value, and `active`. */
export function desiredResource(mapping: MappingEntry[], user: SourceUser, active: boolean): Json {
  const resource: Json = { schemas: [USER_SCHEMA] };
  for (const m of mapping) {
    const path = parseTargetPath(m.target);
    const value = sourceValue(user, m.source);
    if (path && value !== undefined) place(resource, path, value);
  }
  if (resource[ENTERPRISE_SCHEMA]) resource.schemas = [USER_SCHEMA, ENTERPRISE_SCHEMA];
  resource.active = active;
  return resource;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v as Json).sort().map((k) => [k, canonical((v as Json)[k])]));
  return v;
}

export function resourceHash(resource: Json): string {
  return sha256Hex(JSON.stringify(canonical(resource)));
}

/** RFC 7643 §2.1: attribute names are case-insensitive. */
function member(o: unknown, name: string): unknown {
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (o as Json)[key];
}

function read(resource: Json, path: TargetPath): unknown {
  switch (path.kind) {
    case "simple":
      return member(resource, path.attr);
    case "sub":
      return member(member(resource, path.attr), path.sub);
    case "enterprise":
      return member(member(resource, ENTERPRISE_SCHEMA), path.attr);
    case "typed": {
      const list = member(resource, path.attr);
      if (!Array.isArray(list)) return undefined;
      const element = list.find((e) => typeof member(e, "type") === "string" && (member(e, "type") as string).toLowerCase() === path.type);
      return member(element, path.sub);
    }
  }
}

/** userName and email values are not case-exact (RFC 7643 §4.1.1, §4.1.2). */
function caseExact(path: TargetPath): boolean {
  return !((path.kind === "simple" && path.attr === "userName") || (path.kind === "typed" && path.attr === "emails"));
}

/** The mapped attributes (and `active`) on which the target's copy differs from what Portico would push. */
export function driftedAttributes(mapping: MappingEntry[], desired: Json, remote: Json): string[] {
  const drifted: string[] = [];
  for (const m of mapping) {
    const path = parseTargetPath(m.target);
    if (!path) continue;
    const want = read(desired, path);
    const have = read(remote, path);
    const same = typeof want === "string" && typeof have === "string" && !caseExact(path) ? want.toLowerCase() === have.toLowerCase() : (want ?? null) === (have ?? null) || String(want) === String(have);
    if (!same) drifted.push(m.target);
  }
  const active = member(remote, "active");
  // §4.1.1: a resource without `active` is taken as active.
  if ((active === undefined ? true : active === true || active === "true" || active === "True") !== desired.active) drifted.push("active");
  return drifted;
}
