// Incoming SCIM JSON (POST, PUT, and the resource a PATCH produces) to one canonical shape:
// attribute names as the schema spells them (RFC 7643 §2.1: names are case-insensitive; Entra
// sends "Primary", "Department", "Manager": {"Value": …}), values of the schema's types.
import { invalidSyntax, invalidValue } from "./scim.errors";
import { unstorable } from "./storable";
import { findAttribute, findExtension, resourceSchema, type AttributeDef, type ResourceKind, type ResourceSchema, type ScimExtensions } from "./schemas";

export interface NormaliseOptions {
  /**
   * A part of a resource (a PATCH value, the stored resource before its operations): required
   * attributes are not checked. The whole resource is checked once the operations are applied.
   */
  partial?: boolean;
}

const DEFAULT_MAX_LENGTH = 256;
const REFERENCE_MAX_LENGTH = 2048;
const BINARY_MAX_LENGTH = 16_384;

// Names some clients use for a sub-attribute of ours: the Entra collection PATCHes group members
// with "displayName" and expects to read it back.
const SUB_ATTRIBUTE_ALIASES: Record<string, Record<string, string>> = { members: { displayname: "display" } };

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The canonical resource: unknown attributes dropped (RFC 7644 §3.3 lets a provider ignore
 * them), readOnly ones dropped (§3.5.1: the client's id and meta are ignored), nulls dropped
 * (RFC 7643 §2.5: null is unassigned), and `schemas` listing the extensions present.
 */
export function normaliseInput(body: unknown, resource: ResourceKind, ext: ScimExtensions, options: NormaliseOptions = {}): Json {
  return normaliseResource(body, resourceSchema(resource, ext), options);
}

export function normaliseResource(body: unknown, schema: ResourceSchema, options: NormaliseOptions = {}): Json {
  if (!isObject(body)) throw invalidSyntax(`A ${schema.kind} must be a JSON object.`);
  const out: Json = {};
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    const extension = findExtension(schema, key);
    if (extension) {
      if (value === null || value === undefined) continue;
      if (!isObject(value)) throw invalidValue(`${extension.id} must be an object.`);
      once(seen, extension.id, key);
      const attrs = normaliseAttributes(value, extension.attributes, extension.id);
      if (Object.keys(attrs).length > 0) out[extension.id] = attrs;
      continue;
    }
    const def = findAttribute(schema.coreAttributes, key);
    if (!def || def.mutability === "readOnly") continue;
    once(seen, def.name, key);
    const normalised = normaliseAttribute(def, value, def.name);
    if (normalised !== undefined) out[def.name] = normalised;
  }
  if (!options.partial) {
    for (const def of schema.coreAttributes) {
      if (def.required && out[def.name] === undefined) throw invalidValue(`${def.name} is required.`);
    }
  }
  return { schemas: [schema.core.id, ...schema.extensions.filter((e) => out[e.id] !== undefined).map((e) => e.id)], ...out };
}

// "userName" and "UserName" in one object: which one was meant is a guess, so neither is taken.
function once(seen: Set<string>, canonical: string, key: string) {
  if (seen.has(canonical)) throw invalidValue(`${key} is given twice (attribute names ignore case).`);
  seen.add(canonical);
}

/** The attributes of an object against their definitions (a complex value, an extension). */
export function normaliseAttributes(value: Json, defs: readonly AttributeDef[], where: string, parent?: string): Json {
  const out: Json = {};
  const seen = new Set<string>();
  const aliases = parent ? SUB_ATTRIBUTE_ALIASES[parent] : undefined;
  for (const [key, v] of Object.entries(value)) {
    const def = findAttribute(defs, aliases?.[key.toLowerCase()] ?? key);
    if (!def || def.mutability === "readOnly") continue;
    once(seen, def.name, key);
    const normalised = normaliseAttribute(def, v, `${where}.${def.name}`);
    if (normalised !== undefined) out[def.name] = normalised;
  }
  return out;
}

/** One attribute's value; undefined when unassigned (null, an empty list, an empty object). */
export function normaliseAttribute(def: AttributeDef, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (!def.multiValued) return normaliseSingle(def, value, where);
  let values: unknown[];
  if (Array.isArray(value)) values = value;
  else if (def.name === "members" && typeof value === "string") values = [value];
  else throw invalidValue(`${where} must be an array.`);
  const out: unknown[] = [];
  for (const element of values) {
    // Group members as bare ids (the Entra collection PATCHes "value": "string id 1").
    const given = def.name === "members" && typeof element === "string" ? { value: element } : element;
    const normalised = normaliseSingle(def, given, where);
    if (normalised !== undefined) out.push(normalised);
  }
  // RFC 7643 §2.4: the primary value, if any, is one.
  if (def.type === "complex" && out.filter((v) => isObject(v) && v.primary === true).length > 1) {
    throw invalidValue(`${where} has more than one primary value.`);
  }
  if (def.subAttributes?.some((s) => s.required)) {
    for (const element of out) {
      for (const s of def.subAttributes) {
        if (s.required && isObject(element) && element[s.name] === undefined) throw invalidValue(`${where}.${s.name} is required.`);
      }
    }
  }
  return out.length > 0 ? out : undefined;
}

function normaliseSingle(def: AttributeDef, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case "complex": {
      if (!isObject(value)) throw invalidValue(`${where} must be an object.`);
      const out = normaliseAttributes(value, def.subAttributes ?? [], where, def.name);
      return Object.keys(out).length > 0 ? out : undefined;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      // Entra sends "active": "True".
      if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
      throw invalidValue(`${where} must be a boolean.`);
    case "decimal":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      throw invalidValue(`${where} must be a number.`);
    case "integer":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      throw invalidValue(`${where} must be an integer.`);
    case "dateTime":
      if (typeof value === "string" && isDateTime(value)) return value;
      throw invalidValue(`${where} must be a date and time (xsd:dateTime, RFC 7643 §2.3.5).`);
    case "binary":
      if (typeof value === "string" && /^[A-Za-z0-9+/\s]*={0,2}$/.test(value)) return capped(value, BINARY_MAX_LENGTH, where);
      throw invalidValue(`${where} must be base64 (RFC 7643 §2.3.6).`);
    case "reference":
      if (typeof value === "string") return capped(value, REFERENCE_MAX_LENGTH, where);
      throw invalidValue(`${where} must be a string.`);
    case "string":
      if (typeof value === "string") return capped(value, DEFAULT_MAX_LENGTH, where);
      throw invalidValue(`${where} must be a string.`);
  }
}

function capped(value: string, max: number, where: string): string {
  if (value.length > max) throw invalidValue(`${where} is longer than ${max} characters.`);
  if (unstorable(value)) throw invalidValue(`${where} holds a NUL character or a broken UTF-16 sequence.`);
  return value;
}

// xsd:dateTime (RFC 7643 §2.3.5); a bare date is accepted too, for the Portico extension's "date"
// attributes, which hold YYYY-MM-DD.
function isDateTime(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) return false;
  return !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));
}
