// The SCIM filter as a tree (RFC 7644 §3.4.2.2): what lib/scim/filter.ts parses, what the SQL
// compiler (filter-sql.ts) and the in-memory matcher (used by PATCH value paths) read.

/** An attribute path: `urn:…:User:name.givenName` → { schema, attr: "name", sub: "givenName" }. Names as written (matching ignores case). */
export interface AttrPath {
  schema?: string;
  attr: string;
  sub?: string;
}

export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
export type FilterValue = string | number | boolean | null;

export type Filter =
  | { kind: "compare"; path: AttrPath; op: CompareOp; value: FilterValue }
  | { kind: "present"; path: AttrPath }
  | { kind: "and"; left: Filter; right: Filter }
  | { kind: "or"; left: Filter; right: Filter }
  | { kind: "not"; filter: Filter }
  /** `emails[type eq "work" and value co "@x"]`: one value of the multi-valued `path` matches `filter`, whose paths name its sub-attributes. */
  | { kind: "valuePath"; path: AttrPath; filter: Filter };
