// What an administrator enters for an outbound provisioning target (lib/provisioning/targets.ts),
// browser-safe: the attribute mapping (a SCIM attribute of the target <- a Portico attribute), the
// scope and what a user leaving it becomes. Target paths follow RFC 7644 §3.10 attribute notation
// (with the §3.5.2 value filter `emails[type eq "work"].value` for multi-valued attributes) and are
// limited to the RFC 7643 §4.1 User attributes and the §4.3 enterprise extension that make sense to
// push; `id`, `meta`, `schemas`, `password`, `groups` and `active` (Portico writes it) never are.
import { z } from "zod";

export const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** The Portico attributes a target attribute may take its value from ("attribute:<name>" for a custom attribute). */
export const MAPPING_SOURCES = ["email", "userId", "givenName", "familyName", "middleName", "displayName", "nickname", "locale", "zoneinfo", "phoneNumber"] as const;
export type BuiltInSource = (typeof MAPPING_SOURCES)[number];

const CUSTOM_SOURCE = /^attribute:([A-Za-z][A-Za-z0-9_]{0,63})$/;

const SIMPLE = ["userName", "externalId", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone"];
const NAME_PARTS = ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"];
const MULTI_VALUE = ["emails", "phoneNumbers", "ims", "photos"];
const ADDRESS_PARTS = ["formatted", "streetAddress", "locality", "region", "postalCode", "country"];
const ENTERPRISE = ["employeeNumber", "costCenter", "organization", "division", "department"];

/** A parsed target path: a top-level attribute, a sub-attribute, a typed element of a multi-valued one, or the enterprise extension's. */
export type TargetPath =
  | { kind: "simple"; attr: string }
  | { kind: "sub"; attr: string; sub: string }
  | { kind: "typed"; attr: string; type: string; sub: string }
  | { kind: "enterprise"; attr: string };

const ci = (list: string[], name: string) => list.find((x) => x.toLowerCase() === name.toLowerCase());

/** The path in canonical spelling, or null when it is not one a target may receive. */
export function parseTargetPath(raw: string): TargetPath | null {
  const path = raw.trim();
  if (path.length > 200) return null;
  if (path.toLowerCase().startsWith(ENTERPRISE_SCHEMA.toLowerCase() + ":")) {
    const attr = ci(ENTERPRISE, path.slice(ENTERPRISE_SCHEMA.length + 1));
    return attr ? { kind: "enterprise", attr } : null;
  }
  const typed = /^([A-Za-z]+)\[type eq "([A-Za-z][A-Za-z0-9_-]{0,31})"\]\.([A-Za-z]+)$/i.exec(path);
  if (typed) {
    const [, a, type, s] = typed as unknown as [string, string, string, string];
    const multi = ci(MULTI_VALUE, a);
    if (multi) return ci(["value"], s) ? { kind: "typed", attr: multi, type: type.toLowerCase(), sub: "value" } : null;
    if (a.toLowerCase() === "addresses") {
      const sub = ci(ADDRESS_PARTS, s);
      return sub ? { kind: "typed", attr: "addresses", type: type.toLowerCase(), sub } : null;
    }
    return null;
  }
  const dotted = /^([A-Za-z]+)\.([A-Za-z]+)$/.exec(path);
  if (dotted) {
    const sub = dotted[1]!.toLowerCase() === "name" ? ci(NAME_PARTS, dotted[2]!) : undefined;
    return sub ? { kind: "sub", attr: "name", sub } : null;
  }
  const attr = ci(SIMPLE, path);
  return attr ? { kind: "simple", attr } : null;
}

export function formatTargetPath(p: TargetPath): string {
  switch (p.kind) {
    case "simple":
      return p.attr;
    case "sub":
      return `${p.attr}.${p.sub}`;
    case "typed":
      return `${p.attr}[type eq "${p.type}"].${p.sub}`;
    case "enterprise":
      return `${ENTERPRISE_SCHEMA}:${p.attr}`;
  }
}

export function isMappingSource(source: string): boolean {
  return (MAPPING_SOURCES as readonly string[]).includes(source) || CUSTOM_SOURCE.test(source);
}

export interface MappingEntry {
  target: string;
  source: string;
}

/** userName <- email, externalId <- the Portico user id, the name, the display name and the work address (primary). */
export const DEFAULT_MAPPING: MappingEntry[] = [
  { target: "userName", source: "email" },
  { target: "externalId", source: "userId" },
  { target: "name.givenName", source: "givenName" },
  { target: "name.familyName", source: "familyName" },
  { target: "displayName", source: "displayName" },
  { target: 'emails[type eq "work"].value', source: "email" },
];

export const MAX_MAPPING_ENTRIES = 40;

/** Checks a mapping: known target paths (canonical spelling kept), known sources, each target once, userName mapped (RFC 7643 §4.1.1: required). */
export function checkMapping(entries: MappingEntry[]): { mapping: MappingEntry[] } | { problem: string } {
  if (entries.length === 0) return { problem: "Map at least userName." };
  if (entries.length > MAX_MAPPING_ENTRIES) return { problem: `Use at most ${MAX_MAPPING_ENTRIES} attributes.` };
  const seen = new Set<string>();
  const mapping: MappingEntry[] = [];
  for (const e of entries) {
    const path = parseTargetPath(e.target);
    if (!path) return { problem: `"${e.target.slice(0, 80)}" is not a SCIM User attribute Portico can set.` };
    const target = formatTargetPath(path);
    if (seen.has(target.toLowerCase())) return { problem: `${target} is mapped twice.` };
    seen.add(target.toLowerCase());
    const source = e.source.trim();
    if (!isMappingSource(source)) return { problem: `"${source.slice(0, 80)}" is not a Portico attribute (use ${MAPPING_SOURCES.join(", ")} or attribute:<name>).` };
    mapping.push({ target, source });
  }
  if (!seen.has("username")) return { problem: "Map userName: a SCIM user must have one." };
  return { mapping };
}

/** The console's text form: one `target = source` per line. */
export function mappingToText(mapping: MappingEntry[]): string {
  return mapping.map((m) => `${m.target} = ${m.source}`).join("\n");
}

export function mappingFromText(text: string): MappingEntry[] | { problem: string } {
  const entries: MappingEntry[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    const at = line.lastIndexOf("=");
    if (at <= 0) return { problem: `Line ${i + 1}: write target = source.` };
    entries.push({ target: line.slice(0, at).trim(), source: line.slice(at + 1).trim() });
  }
  return entries;
}

export const TARGET_SCOPES = ["all", "group", "application"] as const;
export type TargetScope = (typeof TARGET_SCOPES)[number];
export const ON_LEAVE = ["deactivate", "delete"] as const;

export const targetInputSchema = z
  .object({
    name: z.string({ error: "Name the target." }).trim().min(1, "Name the target.").max(100, "Use at most 100 characters."),
    baseUrl: z.string({ error: "Enter the SCIM base URL." }).trim().min(1, "Enter the SCIM base URL.").max(2000, "Use at most 2000 characters."),
    mapping: z.string().max(10_000, "The mapping is too long.").default(""),
    scope: z.enum(TARGET_SCOPES, { error: "Choose who is provisioned." }),
    scopeGroup: z.string().trim().max(256).default(""),
    scopeApplicationId: z.string().trim().max(64).default(""),
    onLeave: z.enum(ON_LEAVE, { error: "Choose what happens to a user who leaves the scope." }),
  })
  .superRefine((v, ctx) => {
    if (v.scope === "group" && !v.scopeGroup) ctx.addIssue({ code: "custom", path: ["scopeGroup"], message: "Name the group." });
    if (v.scope === "application" && !v.scopeApplicationId) ctx.addIssue({ code: "custom", path: ["scopeApplicationId"], message: "Choose the application." });
  });
export type TargetInput = z.input<typeof targetInputSchema>;

export const tokenInputSchema = z.string({ error: "Enter the bearer token." }).trim().min(1, "Enter the bearer token.").max(4096, "The token is too long.").regex(/^[\x21-\x7e]+$/, "The token may hold printable characters without spaces only.");
