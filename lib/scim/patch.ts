// PATCH (RFC 7644 §3.5.2) on a resource as plain JSON: the PatchOp message read leniently where
// Entra departs from the RFC ("Operations"/"op" in any case, "op": "Replace", an extra "name"),
// its add / remove / replace applied in order to a copy, and the result normalised by the same
// rules as a PUT (normalise.ts), so that no PATCH can store what a PUT could not.
import type { Filter } from "./filter-ast";
import { parsePatchPath, splitAttrPath } from "./filter";
import { matchesFilter } from "./filter-match";
import { isObject, normaliseAttribute, normaliseResource, type Json } from "./normalise";
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget } from "./scim.errors";
import {
  findAttribute,
  findExtension,
  PATCH_OP_SCHEMA,
  resolveAttrPath,
  resourceSchema,
  type AttributeDef,
  type ResourceKind,
  type ResourceSchema,
  type ScimExtensions,
  type SchemaDef,
} from "./schemas";

/** Operations per request: a bound on the work one request can ask for. */
export const MAX_PATCH_OPERATIONS = 1_000;

type OpName = "add" | "remove" | "replace";

interface Operation {
  op: OpName;
  path?: string;
  /** Whether the operation has a "value" member at all (null is a value: "unassigned"). */
  hasValue: boolean;
  value: unknown;
}

/** What an operation addresses, resolved against the schema. */
interface Target {
  extension?: SchemaDef;
  def: AttributeDef;
  /** A sub-attribute: of the single complex value, or of each selected element when `def` is multi-valued. */
  sub?: AttributeDef;
  /** A value filter selecting elements of the multi-valued `def` (`emails[type eq "work"]`). */
  filter?: Filter;
}

/** The member of an object whose name matches ignoring case: Entra's "Operations" and "Op" both occur. */
function member(obj: Json, name: string): { found: boolean; value: unknown } {
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? { found: false, value: undefined } : { found: true, value: obj[key] };
}

function readOperations(body: unknown, maxOperations: number): Operation[] {
  if (!isObject(body)) throw invalidSyntax("A PATCH request body must be a JSON object.");
  const schemas = member(body, "schemas").value;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === "string" && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw invalidSyntax(`A PATCH request's schemas must list ${PATCH_OP_SCHEMA} (RFC 7644 §3.5.2).`);
  }
  const operations = member(body, "Operations").value;
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax("A PATCH request needs an Operations array of one or more operations.");
  if (operations.length > maxOperations) throw invalidValue(`A PATCH request may have at most ${maxOperations} operations.`);
  return operations.map((raw, i) => {
    if (!isObject(raw)) throw invalidSyntax(`Operations[${i}] must be an object.`);
    const op = member(raw, "op").value;
    const name = typeof op === "string" ? op.toLowerCase() : undefined;
    if (name !== "add" && name !== "remove" && name !== "replace") throw invalidSyntax(`Operations[${i}].op must be add, remove or replace.`);
    const path = member(raw, "path").value;
    if (path !== undefined && path !== null && (typeof path !== "string" || path.trim() === "")) throw invalidPath(`Operations[${i}].path must be a non-empty string.`);
    const value = member(raw, "value");
    const operation: Operation = { op: name, hasValue: value.found, value: value.value };
    if (typeof path === "string") operation.path = path;
    return operation;
  });
}

/**
 * The resource after the PATCH: a new object, `resource` untouched. Its readOnly attributes (id,
 * meta, groups) are carried over unchanged; everything else is as normaliseInput returns it.
 * Member ids are not checked here: whether an unknown id is kept is the caller's decision.
 */
export function applyPatch(resource: Json, body: unknown, kind: ResourceKind, ext: ScimExtensions, options: { maxOperations?: number } = {}): Json {
  const schema = resourceSchema(kind, ext);
  const operations = readOperations(body, options.maxOperations ?? MAX_PATCH_OPERATIONS);
  // normaliseResource builds new objects throughout: the operations below change only the copy.
  const work = normaliseResource(resource, schema, { partial: true });
  delete work.schemas;
  operations.forEach((operation, i) => {
    try {
      applyOperation(work, operation, schema);
    } catch (error) {
      if (error instanceof Error) error.message = `Operations[${i}]: ${error.message}`;
      throw error;
    }
  });
  const result = normaliseResource(work, schema);
  return withReadOnly(resource, result, schema);
}

function withReadOnly(original: Json, result: Json, schema: ResourceSchema): Json {
  const kept: Json = {};
  for (const [key, value] of Object.entries(original)) {
    const def = findAttribute(schema.coreAttributes, key);
    if (def?.mutability === "readOnly" && value !== undefined && value !== null) kept[def.name] = value;
  }
  const { id, ...others } = kept;
  const { schemas, ...attributes } = result;
  return { schemas, ...(id === undefined ? {} : { id }), ...attributes, ...others };
}

function applyOperation(work: Json, operation: Operation, schema: ResourceSchema) {
  if (operation.path === undefined) {
    // RFC 7644 §3.5.2.2: remove needs a path.
    if (operation.op === "remove") throw noTarget("remove needs a path.");
    if (!operation.hasValue || !isObject(operation.value)) throw invalidValue(`${operation.op} without a path needs an object of attributes as its value.`);
    // §3.5.2.1, §3.5.2.3: without a path, the value's attributes are added or replaced one by
    // one; those not named are left as they are. Names the schema does not know, or readOnly
    // ones, are ignored as in a PUT (§3.3, §3.5.1).
    for (const [key, value] of Object.entries(operation.value)) {
      const extension = findExtension(schema, key);
      if (extension) {
        if (value === null && operation.op === "replace") delete work[extension.id];
        else if (isObject(value)) {
          for (const [name, v] of Object.entries(value)) {
            const target = targetOfKey(schema, name, extension.id);
            if (target) applyToTarget(work, operation.op, target, v);
          }
        } else if (value !== null) throw invalidValue(`${extension.id} must be an object.`);
        continue;
      }
      const target = targetOfKey(schema, key);
      if (target) applyToTarget(work, operation.op, target, value);
    }
    return;
  }
  const target = targetOfPath(schema, operation.path, operation.op);
  if (operation.op !== "remove" && !operation.hasValue) throw invalidValue(`${operation.op} needs a value.`);
  applyToTarget(work, operation.op, target, operation.value);
}

/** A key of a path-less value ("name", "name.givenName", "urn:…:User:department"), or undefined when it names nothing writable. */
function targetOfKey(schema: ResourceSchema, key: string, extension?: string): Target | undefined {
  let path;
  try {
    path = splitAttrPath(extension ? `${extension}:${key}` : key, invalidPath);
  } catch {
    return undefined;
  }
  const resolved = resolveAttrPath(schema, path);
  if (!resolved || resolved.def.mutability === "readOnly" || resolved.sub?.mutability === "readOnly") return undefined;
  return resolved;
}

function targetOfPath(schema: ResourceSchema, text: string, op: OpName): Target {
  const parsed = parsePatchPath(text);
  const resolved = resolveAttrPath(schema, parsed.path);
  if (!resolved) throw invalidPath(`"${text}" names no attribute of a ${schema.kind}.`);
  const target: Target = resolved;
  if (parsed.filter) {
    if (!resolved.def.multiValued || resolved.def.type !== "complex") throw invalidPath(`"${text}": a value filter applies to a multi-valued attribute.`);
    target.filter = parsed.filter;
    if (parsed.sub !== undefined) {
      const sub = findAttribute(resolved.def.subAttributes, parsed.sub);
      if (!sub) throw invalidPath(`"${text}" names no sub-attribute of ${resolved.def.name}.`);
      target.sub = sub;
    }
  }
  // RFC 7643 §7: readOnly attributes are the server's; immutable sub-attributes of an element
  // (a member's value) are set with the element, never changed on their own.
  if (target.def.mutability === "readOnly" || target.sub?.mutability === "readOnly") throw mutability(`"${text}" is readOnly.`);
  if (target.sub?.mutability === "immutable" && op !== "add") throw mutability(`"${text}" is immutable: ${op} the whole ${target.def.name} value instead.`);
  return target;
}

function applyToTarget(work: Json, op: OpName, target: Target, value: unknown) {
  if (op === "remove") remove(work, target, value);
  else if (target.def.multiValued && (target.filter || target.sub)) setInElements(work, op, target, value);
  else if (op === "add") add(work, target, value);
  else replace(work, target, value);
}

function containerOf(work: Json, target: Target, create: boolean): Json | undefined {
  if (!target.extension) return work;
  const existing = work[target.extension.id];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const created: Json = {};
  work[target.extension.id] = created;
  return created;
}

const describe = (target: Target) => `${target.extension ? `${target.extension.id}:` : ""}${target.def.name}${target.sub ? `.${target.sub.name}` : ""}`;

/** The values of a multi-valued attribute: a single object (or a member's bare id) taken as a list of one. */
function normaliseList(def: AttributeDef, value: unknown, where: string): Json[] {
  const list = isObject(value) ? [value] : value;
  return (normaliseAttribute(def, list, where) as Json[] | undefined) ?? [];
}

function normaliseElement(def: AttributeDef, value: unknown, where: string): Json | undefined {
  if (!isObject(value)) throw invalidValue(`${where} needs an object as its value.`);
  return normaliseAttribute({ ...def, multiValued: false }, value, where) as Json | undefined;
}

// RFC 7644 §3.5.2.1: a member is one id; other values are the same when all their sub-attributes are.
function sameValue(def: AttributeDef, a: Json, b: Json): boolean {
  if (def.name === "members") return a.value === b.value;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

// RFC 7644 §3.5.2: a value made primary makes the others not primary.
function settlePrimary(list: Json[], changed: readonly Json[]) {
  if (!changed.some((v) => v.primary === true)) return;
  for (const element of list) if (!changed.includes(element) && element.primary === true) element.primary = false;
}

function add(work: Json, target: Target, value: unknown) {
  const { def, sub } = target;
  const where = describe(target);
  if (def.multiValued) {
    // §3.5.2.1: added to the existing values, except those already there.
    const values = normaliseList(def, value, where);
    if (values.length === 0) return;
    const container = containerOf(work, target, true)!;
    const list = Array.isArray(container[def.name]) ? (container[def.name] as Json[]) : [];
    const added = values.filter((v, i) => !list.some((e) => sameValue(def, e, v)) && !values.slice(0, i).some((e) => sameValue(def, e, v)));
    list.push(...added);
    settlePrimary(list, added);
    container[def.name] = list;
    return;
  }
  setSingle(work, target, normaliseAttribute(sub ?? def, value, where), false);
}

function replace(work: Json, target: Target, value: unknown) {
  const { def, sub } = target;
  const where = describe(target);
  const normalised = def.multiValued ? normaliseList(def, value, where) : normaliseAttribute(sub ?? def, value, where);
  // Replacing with nothing (null, []) leaves the attribute unassigned (RFC 7643 §2.5).
  if (normalised === undefined || (Array.isArray(normalised) && normalised.length === 0)) return remove(work, target, undefined);
  if (def.multiValued) {
    // §3.5.2.3: without a filter, all values are replaced.
    containerOf(work, target, true)![def.name] = normalised;
    return;
  }
  setSingle(work, target, normalised, true);
}

/** A single-valued attribute, or a sub-attribute of one; a complex value merges into the one there (§3.5.2.1, §3.5.2.3). */
function setSingle(work: Json, target: Target, value: unknown, replacing: boolean) {
  if (value === undefined) {
    if (replacing) remove(work, target, undefined);
    return;
  }
  const container = containerOf(work, target, true)!;
  const { def, sub } = target;
  const existing = isObject(container[def.name]) ? (container[def.name] as Json) : {};
  if (sub) container[def.name] = { ...existing, [sub.name]: value };
  else if (def.type === "complex") container[def.name] = { ...existing, ...(value as Json) };
  else container[def.name] = value;
}

/** add / replace on selected elements: `emails[type eq "work"]`, `emails[type eq "work"].value`, `emails.value`. */
function setInElements(work: Json, op: "add" | "replace", target: Target, value: unknown) {
  const { def, sub, filter } = target;
  const where = describe(target);
  const container = containerOf(work, target, op === "add");
  const list = container && Array.isArray(container[def.name]) ? (container[def.name] as Json[]) : [];
  const matches = filter ? list.filter((e) => matchesFilter(e, filter)) : list;
  const subValue = sub ? normaliseAttribute(sub, value, where) : undefined;
  if (sub?.required && subValue === undefined) throw mutability(`${where} is required and cannot be removed.`);
  const element = sub ? undefined : normaliseElement(def, value, where);
  if (matches.length === 0) {
    // §3.5.2.3: replace on a filter matching nothing fails. An add creates the value the filter
    // describes (Entra adds `addresses[type eq "work"].streetAddress` to a user with none).
    if (op === "replace") throw noTarget(`No value of ${def.name} matches the path.`);
    const created = normaliseElement(def, { ...(filter ? elementOfFilter(filter, def) : {}), ...(sub ? { [sub.name]: value } : (element ?? {})) }, where);
    if (!created) return;
    list.push(created);
    settlePrimary(list, [created]);
    containerOf(work, target, true)![def.name] = list;
    return;
  }
  const changed: Json[] = [];
  for (const match of matches) {
    const index = list.indexOf(match);
    let next: Json;
    if (sub) {
      next = { ...match };
      if (subValue === undefined) delete next[sub.name];
      else next[sub.name] = subValue;
    } else if (op === "add") next = { ...match, ...element };
    // §3.5.2.3: the matching values are replaced whole.
    else next = { ...element };
    list[index] = next;
    changed.push(next);
  }
  const remaining = list.filter((e) => Object.keys(e).length > 0);
  settlePrimary(remaining, changed);
  container![def.name] = remaining;
}

/** The element a filter of `eq` comparisons joined by `and` describes; noTarget for any other filter. */
function elementOfFilter(filter: Filter, def: AttributeDef): Json {
  if (filter.kind === "and") return { ...elementOfFilter(filter.left, def), ...elementOfFilter(filter.right, def) };
  if (filter.kind === "compare" && filter.op === "eq" && filter.path.schema === undefined && filter.path.sub === undefined) {
    const sub = findAttribute(def.subAttributes, filter.path.attr);
    if (sub) return { [sub.name]: filter.value };
  }
  throw noTarget(`No value of ${def.name} matches the path, and its filter does not describe one to add.`);
}

function remove(work: Json, target: Target, value: unknown) {
  const { def, sub, filter } = target;
  const where = describe(target);
  // RFC 7643 §7: a required attribute cannot be made unassigned (userName, a Group's displayName, a member's value).
  if ((sub ?? def).required) throw mutability(`${where} is required and cannot be removed.`);
  const container = containerOf(work, target, false);
  if (!container || container[def.name] === undefined) return;
  if (def.multiValued) {
    const list = Array.isArray(container[def.name]) ? (container[def.name] as Json[]) : [];
    let remaining: Json[];
    if (filter || sub) {
      const selected = filter ? list.filter((e) => matchesFilter(e, filter)) : list;
      remaining = sub
        ? list.map((e) => (selected.includes(e) ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== sub.name)) : e)).filter((e) => Object.keys(e).length > 0)
        : list.filter((e) => !selected.includes(e));
    } else if (value !== undefined && value !== null) {
      // Entra removes members as {"op": "remove", "path": "members", "value": [{"value": id}]}:
      // only the values given go, not every member (which the path alone would mean).
      const given = normaliseList(def, value, where);
      remaining = list.filter((e) => !given.some((g) => (g.value !== undefined ? e.value === g.value : sameValue(def, e, g))));
    } else remaining = [];
    if (remaining.length > 0) container[def.name] = remaining;
    else delete container[def.name];
    return;
  }
  if (sub) {
    const existing = container[def.name];
    if (!isObject(existing)) return;
    const rest = Object.fromEntries(Object.entries(existing).filter(([k]) => k !== sub.name));
    if (Object.keys(rest).length > 0) container[def.name] = rest;
    else delete container[def.name];
    return;
  }
  delete container[def.name];
}
