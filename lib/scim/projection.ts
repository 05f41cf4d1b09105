// Which attributes a response carries (RFC 7644 §3.4.2.5, §3.9; RFC 7643 §7 "returned"):
// `attributes` selects (plus those returned "always"), `excludedAttributes` removes (never those
// returned "always"), "never" (password) is never returned, "request" only when selected.
import type { AttrPath } from "./filter-ast";
import { isObject, type Json } from "./normalise";
import { findAttribute, findExtension, resolveAttrPath, type AttributeDef, type ResourceSchema } from "./schemas";

export interface ProjectionQuery {
  attributes?: readonly AttrPath[];
  excludedAttributes?: readonly AttrPath[];
}

/** What a list of paths names: by attribute, the whole of it or some of its sub-attributes. */
interface Selection {
  whole: Set<string>;
  subs: Map<string, Set<string>>;
}

const keyOf = (container: string, def: AttributeDef) => `${container.toLowerCase()}|${def.name}`;

function selectionOf(paths: readonly AttrPath[] | undefined, schema: ResourceSchema): Selection | undefined {
  if (!paths || paths.length === 0) return undefined;
  const selection: Selection = { whole: new Set(), subs: new Map() };
  for (const path of paths) {
    // Paths naming nothing select nothing: the parameter is a request, not an assertion.
    const resolved = resolveAttrPath(schema, path);
    if (!resolved) continue;
    const key = keyOf(resolved.extension?.id ?? "", resolved.def);
    if (!resolved.sub) selection.whole.add(key);
    else selection.subs.set(key, (selection.subs.get(key) ?? new Set()).add(resolved.sub.name));
  }
  return selection;
}

/** The resource as returned: a new object, the input untouched. */
export function project(resource: Json, query: ProjectionQuery, schema: ResourceSchema): Json {
  const selected = selectionOf(query.attributes, schema);
  const excluded = selectionOf(query.excludedAttributes, schema);
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === "schemas") {
      out[key] = value;
      continue;
    }
    const extension = findExtension(schema, key);
    if (extension) {
      if (!isObject(value)) continue;
      const projected = projectAttributes(value, extension.attributes, extension.id, selected, excluded);
      if (Object.keys(projected).length > 0) out[key] = projected;
      continue;
    }
    const def = findAttribute(schema.coreAttributes, key);
    // Not in the schema: nothing to decide by; kept only when nothing was selected.
    if (!def) {
      if (!selected) out[key] = value;
      continue;
    }
    const projected = projectAttribute(def, value, "", selected, excluded);
    if (projected !== undefined) out[key] = projected;
  }
  // The extensions a response no longer carries are not listed in its schemas (RFC 7643 §3).
  if (Array.isArray(out.schemas)) {
    out.schemas = out.schemas.filter((urn) => typeof urn !== "string" || !findExtension(schema, urn) || Object.keys(out).some((k) => k.toLowerCase() === urn.toLowerCase()));
  }
  return out;
}

function projectAttributes(value: Json, defs: readonly AttributeDef[], container: string, selected?: Selection, excluded?: Selection): Json {
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const def = findAttribute(defs, key);
    if (!def) continue;
    const projected = projectAttribute(def, v, container, selected, excluded);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

function projectAttribute(def: AttributeDef, value: unknown, container: string, selected?: Selection, excluded?: Selection): unknown {
  if (def.returned === "never") return undefined;
  const key = keyOf(container, def);
  const always = def.returned === "always";
  const selectedSubs = selected?.subs.get(key);
  const wholeSelected = selected?.whole.has(key) ?? false;
  if (!always) {
    if (excluded?.whole.has(key)) return undefined;
    if (selected ? !wholeSelected && !selectedSubs : def.returned === "request") return undefined;
  }
  if (def.type !== "complex" || !def.subAttributes) return value;
  // Only some sub-attributes asked for (`name.givenName`): those, and the sub-attributes always returned.
  const only = always || wholeSelected || !selectedSubs ? undefined : selectedSubs;
  const without = excluded?.subs.get(key);
  const subs = def.subAttributes;
  const projectElement = (element: unknown): Json | undefined => {
    if (!isObject(element)) return undefined;
    const out: Json = {};
    for (const [k, v] of Object.entries(element)) {
      const sub = findAttribute(subs, k);
      if (!sub || sub.returned === "never") continue;
      const named = only?.has(sub.name) || selectedSubs?.has(sub.name);
      if (sub.returned !== "always") {
        if (only && !named) continue;
        if (sub.returned === "request" && !named) continue;
        if (without?.has(sub.name)) continue;
      }
      out[sub.name] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (def.multiValued) {
    if (!Array.isArray(value)) return undefined;
    const elements = value.map(projectElement).filter((e): e is Json => e !== undefined);
    return elements.length > 0 ? elements : undefined;
  }
  return projectElement(value);
}
