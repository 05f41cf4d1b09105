// A SCIM filter (RFC 7644 §3.4.2.2) compiled to a WHERE fragment for the users' or the groups'
// query. Values are always parameters; attribute names reach SQL only through a catalog of
// expressions written here (an unknown name is invalidFilter), and LIKE patterns escape % _ \.
//
// userName and a group's displayName compare as lower(…) COLLATE "C", the expression of an index
// each: `eq` is one index lookup and `sw` one range of it (the prefix range of
// lib/users/user-list.repo.ts). A user's userName is the one a provisioning client set, else the
// sign-in address (what the resource shows), so a registered customer is found by it: the index on
// lower(COALESCE("userName", "email")) (migration 20261218085000_scim_user_name). `ne` and `not` hold for NULLs (a user without a
// title is one whose title is not "x"): IS DISTINCT FROM and NOT COALESCE(…, false).
//
// A *.repo.ts: it builds SQL (Prisma.sql), which only repositories may (the dependency rule).
import "server-only";
import { Prisma } from "@/lib/db";
import type { AttrPath, CompareOp, Filter, FilterValue } from "./filter-ast";
import { parseDateTime } from "./filter-match";
import { invalidFilter, invalidValue } from "./scim.errors";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PORTICO_USER_SCHEMA, USER_SCHEMA } from "./schemas";

export type ScalarType = "string" | "boolean" | "dateTime" | "number" | "uuid";

/** One value: a column or an expression over the row (or over one element of a multi-valued attribute). */
export interface ScalarAttribute {
  kind: "scalar";
  sql: Prisma.Sql;
  type: ScalarType;
  /** RFC 7643 §2.2; false (the default): compared as lower() on both sides. */
  caseExact?: boolean;
  /** `sql` is already lower(column) COLLATE "C", an index's expression: compared as is, `sw` as a range. */
  lowered?: boolean;
}

/** A singular complex attribute (name, meta, manager): only its sub-attributes compare. */
export interface ComplexAttribute {
  kind: "complex";
  subs: Record<string, ScalarAttribute>;
}

/** A multi-valued attribute: rows or JSON array elements, one of which must match. */
export interface MultiValuedAttribute {
  kind: "multi";
  /** EXISTS over the values where `cond` (over the `subs` expressions) holds; `used`: the sub-attributes `cond` reads. */
  exists: (cond: Prisma.Sql, used: ReadonlySet<string>) => Prisma.Sql;
  subs: Record<string, ScalarAttribute>;
}

export type CatalogAttribute = ScalarAttribute | ComplexAttribute | MultiValuedAttribute;

export interface CatalogSchema {
  urn: string;
  /** By lower-cased name. */
  attributes: Record<string, CatalogAttribute>;
}

/** What a filter may name. The first schema is the core one: a name without a URN resolves there first, then in the others in order. */
export interface ScimAttributeCatalog {
  schemas: CatalogSchema[];
}

export { USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, PORTICO_USER_SCHEMA };

// ---------------------------------------------------------------------------------------------
// Building catalogs

const lowerKeys = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));

/** A JSON key as an SQL literal: only names matching this reach SQL text (the catalog's own, or an administrator's attribute names). */
const JSON_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
function jsonKey(name: string): Prisma.Sql {
  if (!JSON_KEY.test(name)) throw new Error(`not a JSON key for SQL: ${name}`);
  return Prisma.raw(`'${name}'`);
}

const scalar = (sql: Prisma.Sql, type: ScalarType, opts: { caseExact?: boolean; lowered?: boolean } = {}): ScalarAttribute => ({ kind: "scalar", sql, type, ...opts });
const complex = (subs: Record<string, ScalarAttribute>): ComplexAttribute => ({ kind: "complex", subs: lowerKeys(subs) });

/** A JSON boolean (or "true"/"false" as text, as some clients store it); NULL otherwise. */
const jsonBoolean = (obj: Prisma.Sql, key: string) => Prisma.sql`(CASE lower(${obj}->>${jsonKey(key)}) WHEN 'true' THEN true WHEN 'false' THEN false END)`;
const jsonText = (obj: Prisma.Sql, key: string) => Prisma.sql`(${obj}->>${jsonKey(key)})`;

/** A multi-valued attribute stored as a JSON array of objects (a value that is not an array counts as none). */
function jsonArray(array: Prisma.Sql, subs: Record<string, "string" | "boolean">): MultiValuedAttribute {
  const e = Prisma.sql`e`;
  return {
    kind: "multi",
    exists: (cond) =>
      Prisma.sql`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END) e WHERE ${cond})`,
    subs: lowerKeys(Object.fromEntries(Object.entries(subs).map(([k, t]) => [k, t === "boolean" ? scalar(jsonBoolean(e, k), "boolean") : scalar(jsonText(e, k), "string")]))),
  };
}

const VALUE_SUBS = { value: "string", type: "string", display: "string", primary: "boolean" } as const;
const ADDRESS_SUBS = {
  formatted: "string",
  streetAddress: "string",
  locality: "string",
  region: "string",
  postalCode: "string",
  country: "string",
  type: "string",
  primary: "boolean",
} as const;

export interface CustomAttributeDefinition {
  name: string;
  type: "string" | "number" | "boolean" | "date";
}

/** Users ("User" u): the core schema, the enterprise extension, and Portico's administrator-defined attributes. */
export function userCatalog(customAttributes: CustomAttributeDefinition[]): ScimAttributeCatalog {
  const scim = Prisma.sql`u."scimAttributes"`;
  const enterprise = Prisma.sql`u."scimAttributes"->'enterprise'`;
  const emails = Prisma.sql`COALESCE(u."scimAttributes"->'emails', CASE WHEN u."email" IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('value', u."email", 'primary', true)) END)`;
  const arrayOf = (name: string) => Prisma.sql`u."scimAttributes"->${jsonKey(name)}`;
  const core: Record<string, CatalogAttribute> = {
    id: scalar(Prisma.sql`u."id"`, "uuid", { caseExact: true }),
    userName: scalar(Prisma.sql`lower(COALESCE(u."userName", u."email")) COLLATE "C"`, "string", { lowered: true }),
    externalId: scalar(Prisma.sql`u."externalId"`, "string", { caseExact: true }),
    displayName: scalar(Prisma.sql`u."displayName"`, "string"),
    name: complex({
      givenName: scalar(Prisma.sql`u."givenName"`, "string"),
      familyName: scalar(Prisma.sql`u."familyName"`, "string"),
      middleName: scalar(Prisma.sql`u."middleName"`, "string"),
      formatted: scalar(jsonText(Prisma.sql`${scim}->'name'`, "formatted"), "string"),
      honorificPrefix: scalar(jsonText(Prisma.sql`${scim}->'name'`, "honorificPrefix"), "string"),
      honorificSuffix: scalar(jsonText(Prisma.sql`${scim}->'name'`, "honorificSuffix"), "string"),
    }),
    nickName: scalar(Prisma.sql`u."nickname"`, "string"),
    profileUrl: scalar(Prisma.sql`u."websiteUrl"`, "string"),
    locale: scalar(Prisma.sql`u."locale"`, "string"),
    timezone: scalar(Prisma.sql`u."zoneinfo"`, "string"),
    title: scalar(jsonText(scim, "title"), "string"),
    userType: scalar(jsonText(scim, "userType"), "string"),
    preferredLanguage: scalar(jsonText(scim, "preferredLanguage"), "string"),
    active: scalar(Prisma.sql`(u."disabledAt" IS NULL)`, "boolean"),
    meta: complex({
      created: scalar(Prisma.sql`u."createdAt"`, "dateTime"),
      lastModified: scalar(Prisma.sql`u."updatedAt"`, "dateTime"),
    }),
    emails: jsonArray(emails, VALUE_SUBS),
    phoneNumbers: jsonArray(arrayOf("phoneNumbers"), VALUE_SUBS),
    addresses: jsonArray(arrayOf("addresses"), ADDRESS_SUBS),
    ims: jsonArray(arrayOf("ims"), VALUE_SUBS),
    photos: jsonArray(arrayOf("photos"), VALUE_SUBS),
    entitlements: jsonArray(arrayOf("entitlements"), VALUE_SUBS),
    roles: jsonArray(arrayOf("roles"), VALUE_SUBS),
    x509Certificates: jsonArray(arrayOf("x509Certificates"), VALUE_SUBS),
    // Derived from the memberships (RFC 7643 §4.1.2: read-only on the user).
    groups: {
      kind: "multi",
      exists: (cond) => Prisma.sql`EXISTS (SELECT 1 FROM "GroupMember" gm JOIN "Group" g ON g."id" = gm."groupId" WHERE gm."userId" = u."id" AND ${cond})`,
      subs: lowerKeys({ value: scalar(Prisma.sql`g."id"`, "uuid", { caseExact: true }), display: scalar(Prisma.sql`g."displayName"`, "string") }),
    },
  };
  const enterpriseAttrs: Record<string, CatalogAttribute> = {
    employeeNumber: scalar(jsonText(enterprise, "employeeNumber"), "string"),
    costCenter: scalar(jsonText(enterprise, "costCenter"), "string"),
    organization: scalar(jsonText(enterprise, "organization"), "string"),
    division: scalar(jsonText(enterprise, "division"), "string"),
    department: scalar(jsonText(enterprise, "department"), "string"),
    manager: complex({
      value: scalar(jsonText(Prisma.sql`${enterprise}->'manager'`, "value"), "string"),
      displayName: scalar(jsonText(Prisma.sql`${enterprise}->'manager'`, "displayName"), "string"),
    }),
  };
  const custom: Record<string, CatalogAttribute> = {};
  for (const def of customAttributes) custom[def.name] = customAttribute(def);
  return {
    schemas: [
      { urn: USER_SCHEMA, attributes: lowerKeys(core) },
      { urn: ENTERPRISE_USER_SCHEMA, attributes: lowerKeys(enterpriseAttrs) },
      { urn: PORTICO_USER_SCHEMA, attributes: lowerKeys(custom) },
    ],
  };
}

function customAttribute(def: CustomAttributeDefinition): ScalarAttribute {
  const attrs = Prisma.sql`u."attributes"`;
  switch (def.type) {
    case "number":
      // Only JSON numbers: a cast of anything else would fail the whole query.
      return scalar(Prisma.sql`(CASE WHEN jsonb_typeof(${attrs}->${jsonKey(def.name)}) = 'number' THEN (${attrs}->>${jsonKey(def.name)})::numeric END)`, "number");
    case "boolean":
      return scalar(jsonBoolean(attrs, def.name), "boolean");
    case "date":
      // YYYY-MM-DD: text order is date order.
      return scalar(jsonText(attrs, def.name), "string", { caseExact: true });
    case "string":
      return scalar(jsonText(attrs, def.name), "string");
  }
}

/** Groups ("Group" g). */
export const groupCatalog: ScimAttributeCatalog = {
  schemas: [
    {
      urn: GROUP_SCHEMA,
      attributes: lowerKeys<CatalogAttribute>({
        id: scalar(Prisma.sql`g."id"`, "uuid", { caseExact: true }),
        displayName: scalar(Prisma.sql`lower(g."displayName") COLLATE "C"`, "string", { lowered: true }),
        externalId: scalar(Prisma.sql`g."externalId"`, "string", { caseExact: true }),
        meta: complex({
          created: scalar(Prisma.sql`g."createdAt"`, "dateTime"),
          lastModified: scalar(Prisma.sql`g."updatedAt"`, "dateTime"),
        }),
        members: {
          kind: "multi",
          // The member's display is its user's display name: joined only when the filter reads it.
          // Staff are never members to SCIM (lib/scim/scim.repo.ts).
          exists: (cond, used) =>
            used.has("display")
              ? Prisma.sql`EXISTS (SELECT 1 FROM "GroupMember" m JOIN "User" mu ON mu."id" = m."userId" WHERE m."groupId" = g."id" AND NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = m."userId") AND ${cond})`
              : Prisma.sql`EXISTS (SELECT 1 FROM "GroupMember" m WHERE m."groupId" = g."id" AND NOT EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = m."userId") AND ${cond})`,
          subs: lowerKeys({ value: scalar(Prisma.sql`m."userId"`, "uuid", { caseExact: true }), display: scalar(Prisma.sql`mu."displayName"`, "string") }),
        },
      }),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Resolving paths

const written = (p: AttrPath) => `${p.schema ? `${p.schema}:` : ""}${p.attr}${p.sub !== undefined ? `.${p.sub}` : ""}`;

function lookup(path: AttrPath, catalog: ScimAttributeCatalog): CatalogAttribute | undefined {
  const name = path.attr.toLowerCase();
  if (path.schema !== undefined) {
    const schema = catalog.schemas.find((s) => s.urn.toLowerCase() === path.schema!.toLowerCase());
    return schema && Object.hasOwn(schema.attributes, name) ? schema.attributes[name] : undefined;
  }
  for (const schema of catalog.schemas) if (Object.hasOwn(schema.attributes, name)) return schema.attributes[name];
  return undefined;
}

type Resolved =
  | { kind: "scalar"; attr: ScalarAttribute }
  | { kind: "complex"; attr: ComplexAttribute }
  | { kind: "multi"; attr: MultiValuedAttribute; sub?: string };

function subOf(subs: Record<string, ScalarAttribute>, sub: string, path: AttrPath): ScalarAttribute {
  const key = sub.toLowerCase();
  if (!Object.hasOwn(subs, key)) throw invalidFilter(`Invalid filter: unknown attribute "${written(path)}"`);
  return subs[key]!;
}

function resolve(path: AttrPath, catalog: ScimAttributeCatalog): Resolved {
  const attr = lookup(path, catalog);
  if (!attr) throw invalidFilter(`Invalid filter: unknown attribute "${written(path)}"`);
  if (attr.kind === "scalar") {
    if (path.sub !== undefined) throw invalidFilter(`Invalid filter: "${path.attr}" has no sub-attributes ("${written(path)}")`);
    return { kind: "scalar", attr };
  }
  if (attr.kind === "complex") {
    return path.sub === undefined ? { kind: "complex", attr } : { kind: "scalar", attr: subOf(attr.subs, path.sub, path) };
  }
  if (path.sub !== undefined) subOf(attr.subs, path.sub, path);
  return { kind: "multi", attr, sub: path.sub };
}

// ---------------------------------------------------------------------------------------------
// Compiling

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ESCAPE = Prisma.raw(`ESCAPE '\\'`);
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const isOrdering = (op: CompareOp) => op === "gt" || op === "ge" || op === "lt" || op === "le";
const ORDER_SQL: Record<"gt" | "ge" | "lt" | "le", Prisma.Sql> = { gt: Prisma.raw(">"), ge: Prisma.raw(">="), lt: Prisma.raw("<"), le: Prisma.raw("<=") };

function pattern(op: "co" | "sw" | "ew", text: string): string {
  const e = escapeLike(text);
  return op === "co" ? `%${e}%` : op === "sw" ? `${e}%` : `%${e}`;
}

function present(attr: ScalarAttribute): Prisma.Sql {
  return attr.type === "string" ? Prisma.sql`(${attr.sql} IS NOT NULL AND ${attr.sql} <> '')` : Prisma.sql`(${attr.sql} IS NOT NULL)`;
}

function stringCondition(attr: ScalarAttribute, op: CompareOp, value: string): Prisma.Sql {
  const x = attr.sql;
  if (attr.caseExact) {
    if (op === "eq") return Prisma.sql`${x} = ${value}`;
    if (op === "ne") return Prisma.sql`${x} IS DISTINCT FROM ${value}`;
    if (isOrdering(op)) return Prisma.sql`${x} ${ORDER_SQL[op as "gt"]} ${value}`;
    return Prisma.sql`${x} LIKE ${pattern(op as "co", value)} ${ESCAPE}`;
  }
  // Not caseExact: lower() on both sides, in SQL, so both are lowered alike.
  const col = attr.lowered ? x : Prisma.sql`lower(${x})`;
  if (op === "eq") return Prisma.sql`${col} = lower(${value})`;
  if (op === "ne") return Prisma.sql`${col} IS DISTINCT FROM lower(${value})`;
  if (isOrdering(op)) return Prisma.sql`${col} ${ORDER_SQL[op as "gt"]} lower(${value})`;
  // A prefix of an index's expression: its range in the "C" collation (see lib/users/user-list.repo.ts).
  if (op === "sw" && attr.lowered) return Prisma.sql`(${col} >= lower(${value}) COLLATE "C" AND ${col} < (lower(${value}) || chr(1114111)) COLLATE "C")`;
  return Prisma.sql`${col} LIKE lower(${pattern(op as "co", value)}) ${ESCAPE}`;
}

/** An ISO date-time to milliseconds: whole milliseconds, and whether a finer fraction was cut (Entra sends 100 ns). */
function instantOf(value: FilterValue, path: AttrPath): { iso: string; inexact: boolean } {
  const text = typeof value === "string" ? value.trim() : "";
  const ms = parseDateTime(text);
  if (Number.isNaN(ms)) throw invalidFilter(`Invalid filter: "${written(path)}" compares with a date-time, not ${JSON.stringify(value)}`);
  return { iso: new Date(ms).toISOString(), inexact: /\.\d{3}\d*[1-9]/.test(text) };
}

function scalarCondition(attr: ScalarAttribute, path: AttrPath, op: CompareOp, value: FilterValue): Prisma.Sql {
  const name = written(path);
  if (value === null) {
    if (op === "eq") return Prisma.sql`(${attr.sql} IS NULL)`;
    if (op === "ne") return Prisma.sql`(${attr.sql} IS NOT NULL)`;
    throw invalidFilter(`Invalid filter: "${name} ${op} null" compares nothing`);
  }
  switch (attr.type) {
    case "string":
      if (typeof value === "boolean" && isOrdering(op)) throw invalidFilter(`Invalid filter: "${op}" cannot compare a boolean`);
      return stringCondition(attr, op, String(value));
    case "uuid": {
      const text = String(value);
      if (op === "eq" || op === "ne") {
        // Not a UUID: no row has it (and the cast would fail the query).
        if (!UUID.test(text)) return op === "eq" ? Prisma.sql`FALSE` : Prisma.sql`TRUE`;
        return op === "eq" ? Prisma.sql`${attr.sql} = ${text}::uuid` : Prisma.sql`${attr.sql} IS DISTINCT FROM ${text}::uuid`;
      }
      return stringCondition({ ...attr, sql: Prisma.sql`${attr.sql}::text`, caseExact: false }, op, text);
    }
    case "boolean": {
      const b = typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined;
      if (b === undefined) throw invalidFilter(`Invalid filter: "${name}" is a boolean, not ${JSON.stringify(value)}`);
      if (op === "eq") return Prisma.sql`${attr.sql} = ${b}`;
      if (op === "ne") return Prisma.sql`${attr.sql} IS DISTINCT FROM ${b}`;
      throw invalidFilter(`Invalid filter: "${op}" does not apply to the boolean "${name}"`);
    }
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw invalidFilter(`Invalid filter: "${name}" is a number, not ${JSON.stringify(value)}`);
      if (op === "eq") return Prisma.sql`${attr.sql} = ${n}::numeric`;
      if (op === "ne") return Prisma.sql`${attr.sql} IS DISTINCT FROM ${n}::numeric`;
      if (isOrdering(op)) return Prisma.sql`${attr.sql} ${ORDER_SQL[op as "gt"]} ${n}::numeric`;
      throw invalidFilter(`Invalid filter: "${op}" does not apply to the number "${name}"`);
    }
    case "dateTime": {
      if (!isOrdering(op) && op !== "eq" && op !== "ne") throw invalidFilter(`Invalid filter: "${op}" does not apply to the date-time "${name}"`);
      const { iso, inexact } = instantOf(value, path);
      // timestamp(3) columns holding UTC. A value finer than a millisecond equals no row; below
      // it, `lt` and `ge` take the next millisecond (`lt .8617` is `lt .862`).
      if (inexact && op === "eq") return Prisma.sql`FALSE`;
      if (inexact && op === "ne") return Prisma.sql`TRUE`;
      const at = inexact && (op === "lt" || op === "ge") ? new Date(Date.parse(iso) + 1).toISOString() : iso;
      if (op === "eq") return Prisma.sql`${attr.sql} = ${at}::timestamp`;
      if (op === "ne") return Prisma.sql`${attr.sql} IS DISTINCT FROM ${at}::timestamp`;
      return Prisma.sql`${attr.sql} ${ORDER_SQL[op as "gt"]} ${at}::timestamp`;
    }
  }
}

/** Where sub-attribute names resolve: the catalog at the top, one multi-valued attribute's values inside brackets. */
type Scope = { kind: "catalog"; catalog: ScimAttributeCatalog } | { kind: "values"; attr: MultiValuedAttribute; owner: AttrPath; used: Set<string> };

function resolveIn(path: AttrPath, scope: Scope): Resolved {
  if (scope.kind === "catalog") return resolve(path, scope.catalog);
  const full: AttrPath = { ...scope.owner, sub: path.attr };
  if (path.sub !== undefined) throw invalidFilter(`Invalid filter: unknown attribute "${written(full)}.${path.sub}"`);
  const attr = subOf(scope.attr.subs, path.attr, full);
  scope.used.add(path.attr.toLowerCase());
  return { kind: "scalar", attr };
}

function compile(filter: Filter, scope: Scope): Prisma.Sql {
  switch (filter.kind) {
    case "and":
      return Prisma.sql`(${compile(filter.left, scope)} AND ${compile(filter.right, scope)})`;
    case "or":
      return Prisma.sql`(${compile(filter.left, scope)} OR ${compile(filter.right, scope)})`;
    case "not":
      // NULL (unknown) is "does not match", so its negation matches.
      return Prisma.sql`NOT COALESCE(${compile(filter.filter, scope)}, false)`;
    case "present": {
      const r = resolveIn(filter.path, scope);
      if (r.kind === "scalar") return present(r.attr);
      if (r.kind === "complex") return Prisma.sql`(${Prisma.join(Object.values(r.attr.subs).map(present), " OR ")})`;
      if (r.sub === undefined) return r.attr.exists(Prisma.sql`TRUE`, new Set());
      return r.attr.exists(present(r.attr.subs[r.sub.toLowerCase()]!), new Set([r.sub.toLowerCase()]));
    }
    case "compare": {
      const r = resolveIn(filter.path, scope);
      if (r.kind === "scalar") return scalarCondition(r.attr, filter.path, filter.op, filter.value);
      if (r.kind === "complex") throw invalidFilter(`Invalid filter: "${written(filter.path)}" is complex: compare one of its sub-attributes`);
      // `emails co "x"` compares the values' "value" (RFC 7644 §3.4.2.2); `ne` is "no value equals".
      const sub = (r.sub ?? "value").toLowerCase();
      const subAttr = subOf(r.attr.subs, sub, { ...filter.path, sub });
      const used = new Set([sub]);
      if (filter.op === "ne") {
        return Prisma.sql`NOT ${r.attr.exists(scalarCondition(subAttr, filter.path, "eq", filter.value), used)}`;
      }
      return r.attr.exists(scalarCondition(subAttr, filter.path, filter.op, filter.value), used);
    }
    case "valuePath": {
      if (scope.kind === "values") throw invalidFilter("Invalid filter: a value filter cannot be nested inside another");
      const r = resolve(filter.path, scope.catalog);
      if (r.kind !== "multi" || r.sub !== undefined) throw invalidFilter(`Invalid filter: "${written(filter.path)}" is not multi-valued: it has no value filter`);
      // One value matches the whole bracketed filter.
      const inner: Scope = { kind: "values", attr: r.attr, owner: filter.path, used: new Set() };
      const cond = compile(filter.filter, inner);
      return r.attr.exists(cond, inner.used);
    }
  }
}

/** The WHERE fragment matching `filter` (RFC 7644 §3.4.2.2) over the catalog's source. Throws invalidFilter. */
export function compileFilter(filter: Filter, catalog: ScimAttributeCatalog): Prisma.Sql {
  return compile(filter, { kind: "catalog", catalog });
}

/** The ORDER BY key of `sortBy` (RFC 7644 §3.4.2.3): a singular attribute, compared as its caseExact says. Throws invalidValue. */
export function sortKey(path: AttrPath, catalog: ScimAttributeCatalog): Prisma.Sql {
  let r: Resolved;
  try {
    r = resolve(path, catalog);
  } catch {
    throw invalidValue(`Invalid sortBy: unknown attribute "${written(path)}"`);
  }
  if (r.kind !== "scalar") throw invalidValue(`Invalid sortBy: "${written(path)}" is not a singular simple attribute`);
  const a = r.attr;
  return a.type === "string" && !a.caseExact && !a.lowered ? Prisma.sql`lower(${a.sql})` : a.sql;
}
