// The SCIM filter, PATCH path and attribute-list parsers (RFC 7644 §3.4.2.2, §3.5.2, §3.4.2.5):
// text in, the tree of filter-ast.ts out, or a ScimError (invalidFilter / invalidPath).
//
// Lenient where Microsoft Entra's provisioning (and its test collection) departs from the grammar:
// operators, keywords and true/false/null in any case, and a value that is a bare word rather than
// a JSON string (`name.familyName eq Employee`, `meta.created gt 2015-10-10T14:38:21.8617979-07:00`)
// is taken as that string. Bare words end at whitespace, ")" or "]", so they cannot swallow syntax.
import type { AttrPath, CompareOp, Filter, FilterValue } from "./filter-ast";
import { invalidFilter, invalidPath, invalidValue, type ScimError } from "./scim.errors";
import { unstorable } from "./storable";

export const MAX_FILTER_LENGTH = 2_000;
/** Parentheses, `not`s and brackets nested deeper than this are refused: the parser recurses. */
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPS = new Set<CompareOp>(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
/** ATTRNAME (RFC 7644 §3.10 / RFC 7643 §2.1), plus `$ref`. */
const ATTR_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
/** A JSON number (RFC 8259 §6), the only numbers the grammar admits. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** The last segment of a schema URN is its resource type, preceded by a version: `…:2.0:User`. */
const VERSION_SEGMENT = /^\d+(?:\.\d+)*$/;

/** Characters that end a bare word (attribute path, operator or unquoted value). */
const isDelimiter = (c: string) => c === "(" || c === ")" || c === "[" || c === "]" || c === '"' || /\s/.test(c);

/**
 * Splits `urn:…:User:name.givenName` into schema, attribute and sub-attribute. The schema is
 * everything before the last ":" (its own segments may contain dots: "2.0").
 */
export function splitAttrPath(word: string, fail: (detail: string) => ScimError): AttrPath {
  const colon = word.lastIndexOf(":");
  const schema = colon >= 0 ? word.slice(0, colon) : undefined;
  const rest = colon >= 0 ? word.slice(colon + 1) : word;
  if (schema !== undefined) {
    const segments = schema.split(":");
    if (!/^urn$/i.test(segments[0] ?? "") || segments.some((s) => s === "")) throw fail(`"${word}" is not an attribute path: its schema is not a URN`);
    if (VERSION_SEGMENT.test(segments[segments.length - 1]!) && !rest.includes(".")) {
      throw fail(`"${word}" names a schema, not an attribute`);
    }
  }
  const parts = rest.split(".");
  if (parts.length > 2 || !parts.every((p) => ATTR_NAME.test(p))) throw fail(`"${word}" is not an attribute path`);
  const path: AttrPath = { attr: parts[0]! };
  if (schema !== undefined) path.schema = schema;
  if (parts[1] !== undefined) path.sub = parts[1];
  return path;
}

class Parser {
  pos = 0;
  depth = 0;
  constructor(
    readonly text: string,
    readonly fail: (detail: string) => ScimError,
  ) {}

  skipSpace() {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The bare word at the cursor (not consumed), "" if the cursor is on a delimiter. */
  peekWord(): string {
    let end = this.pos;
    while (end < this.text.length && !isDelimiter(this.text[end]!)) end++;
    return this.text.slice(this.pos, end);
  }

  readWord(): string {
    const w = this.peekWord();
    this.pos += w.length;
    return w;
  }

  where(): string {
    return this.atEnd() ? "at the end of the filter" : `at character ${this.pos + 1}`;
  }

  enter() {
    if (++this.depth > MAX_FILTER_DEPTH) throw this.fail(`the filter is nested deeper than ${MAX_FILTER_DEPTH} levels`);
  }

  /** The keyword `kw` (any case) as a whole word at the cursor, consumed if present. */
  keyword(kw: string): boolean {
    this.skipSpace();
    const w = this.peekWord();
    if (w.toLowerCase() !== kw) return false;
    this.pos += w.length;
    return true;
  }

  // filter = orExp; precedence not > and > or (RFC 7644 §3.4.2.2, table 5's order).
  parseOr(inBrackets: boolean): Filter {
    let left = this.parseAnd(inBrackets);
    while (this.keyword("or")) left = { kind: "or", left, right: this.parseAnd(inBrackets) };
    return left;
  }

  parseAnd(inBrackets: boolean): Filter {
    let left = this.parseNot(inBrackets);
    while (this.keyword("and")) left = { kind: "and", left, right: this.parseNot(inBrackets) };
    return left;
  }

  parseNot(inBrackets: boolean): Filter {
    this.skipSpace();
    const start = this.pos;
    const w = this.peekWord();
    if (w.toLowerCase() === "not") {
      this.pos += w.length;
      this.skipSpace();
      // `not (…)` is the grammar; `not x eq 1` is accepted too, unless "not" is itself an attribute (`not pr`).
      const next = this.peekWord().toLowerCase();
      if (this.peek() === "(" || (next !== "" && next !== "pr" && !COMPARE_OPS.has(next as CompareOp))) {
        this.enter();
        const filter = this.parseNot(inBrackets);
        this.depth--;
        return { kind: "not", filter };
      }
      this.pos = start;
    }
    return this.parseAtom(inBrackets);
  }

  parseAtom(inBrackets: boolean): Filter {
    this.skipSpace();
    if (this.peek() === "(") {
      this.pos++;
      this.enter();
      const inner = this.parseOr(inBrackets);
      this.skipSpace();
      if (this.peek() !== ")") throw this.fail(`expected ")" ${this.where()}`);
      this.pos++;
      this.depth--;
      return inner;
    }
    if (this.atEnd()) throw this.fail("expected an attribute path at the end of the filter");
    const word = this.readWord();
    if (word === "") throw this.fail(`expected an attribute path ${this.where()}, found "${this.peek()}"`);
    const path = splitAttrPath(word, this.fail);
    if (this.peek() === "[") {
      if (inBrackets) throw this.fail(`a value filter cannot be nested inside another (${word}[…])`);
      if (path.sub !== undefined) throw this.fail(`"${word}" has a sub-attribute: a value filter applies to a multi-valued attribute`);
      const filter = this.parseBrackets();
      // Not in the grammar, but what some clients send: `emails[type eq "work"].value eq "x"` is
      // `emails[type eq "work" and value eq "x"]`.
      if (this.peek() === ".") {
        this.pos++;
        const sub = this.readWord();
        if (!ATTR_NAME.test(sub)) throw this.fail(`"${sub}" is not a sub-attribute name`);
        const cond = this.parseCondition({ attr: sub }, `${word}[…].${sub}`);
        return { kind: "valuePath", path, filter: { kind: "and", left: filter, right: cond } };
      }
      return { kind: "valuePath", path, filter };
    }
    return this.parseCondition(path, word);
  }

  /** `[valFilter]` at the cursor; the cursor is left after "]". */
  parseBrackets(): Filter {
    this.pos++;
    this.enter();
    const filter = this.parseOr(true);
    this.skipSpace();
    if (this.peek() !== "]") throw this.fail(`expected "]" ${this.where()}`);
    this.pos++;
    this.depth--;
    return filter;
  }

  parseCondition(path: AttrPath, written: string): Filter {
    this.skipSpace();
    const op = this.readWord().toLowerCase();
    if (op === "") throw this.fail(`expected an operator after "${written}" ${this.where()}`);
    if (op === "pr") return { kind: "present", path };
    if (!COMPARE_OPS.has(op as CompareOp)) throw this.fail(`unknown operator "${op}" after "${written}"`);
    return { kind: "compare", path, op: op as CompareOp, value: this.parseValue(written, op) };
  }

  parseValue(written: string, op: string): FilterValue {
    this.skipSpace();
    if (this.peek() === '"') return this.parseString();
    const w = this.readWord();
    if (w === "") throw this.fail(`missing value after "${written} ${op}" ${this.where()}`);
    const lower = w.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    if (lower === "null") return null;
    if (JSON_NUMBER.test(w)) return Number(w);
    // A bare word: a string (Entra's `userName sw O`).
    return w;
  }

  parseString(): string {
    const start = this.pos;
    let i = start + 1;
    while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === "\\" ? 2 : 1;
    if (i >= this.text.length) throw this.fail(`unterminated string starting at character ${start + 1}`);
    this.pos = i + 1;
    let value: string;
    try {
      value = JSON.parse(this.text.slice(start, i + 1)) as string;
    } catch {
      throw this.fail(`invalid string at character ${start + 1}: ${this.text.slice(start, Math.min(i + 1, start + 40))}`);
    }
    // An escaped NUL or half a surrogate pair: no stored value holds one, and PostgreSQL refuses it as a parameter.
    if (unstorable(value)) throw this.fail(`the string at character ${start + 1} holds a NUL or a broken UTF-16 sequence`);
    return value;
  }
}

function checkLength(text: string, fail: (detail: string) => ScimError) {
  if (text.length > MAX_FILTER_LENGTH) throw fail(`longer than ${MAX_FILTER_LENGTH} characters`);
  if (text.trim() === "") throw fail("empty");
}

/** A filter (RFC 7644 §3.4.2.2). Throws invalidFilter. */
export function parseFilter(text: string): Filter {
  const fail = (detail: string) => invalidFilter(`Invalid filter: ${detail}`);
  checkLength(text, fail);
  const p = new Parser(text, fail);
  const filter = p.parseOr(false);
  p.skipSpace();
  if (!p.atEnd()) {
    const c = p.peek();
    throw fail(c === ")" ? `unbalanced ")" at character ${p.pos + 1}` : `unexpected "${p.text.slice(p.pos, p.pos + 20)}" at character ${p.pos + 1}`);
  }
  return filter;
}

/**
 * A PATCH operation's path (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`, e.g.
 * `emails[type eq "work"].value`. Throws invalidPath.
 */
export function parsePatchPath(text: string): { path: AttrPath; filter?: Filter; sub?: string } {
  const fail = (detail: string) => invalidPath(`Invalid path: ${detail}`);
  checkLength(text, fail);
  const p = new Parser(text.trim(), fail);
  const word = p.readWord();
  if (word === "") throw fail(`expected an attribute path, found "${p.text.slice(0, 20)}"`);
  const path = splitAttrPath(word, fail);
  if (p.atEnd()) return { path };
  if (p.peek() !== "[") throw fail(`unexpected "${p.text.slice(p.pos, p.pos + 20)}" at character ${p.pos + 1}`);
  if (path.sub !== undefined) throw fail(`"${word}" has a sub-attribute: a value filter applies to a multi-valued attribute`);
  const filter = p.parseBrackets();
  let sub: string | undefined;
  if (p.peek() === ".") {
    p.pos++;
    sub = p.readWord();
    if (!ATTR_NAME.test(sub)) throw fail(`"${sub}" is not a sub-attribute name`);
  }
  if (!p.atEnd()) throw fail(`unexpected "${p.text.slice(p.pos, p.pos + 20)}" at character ${p.pos + 1}`);
  return sub === undefined ? { path, filter } : { path, filter, sub };
}

/**
 * The `attributes` / `excludedAttributes` parameter (RFC 7644 §3.4.2.5): comma-separated attribute
 * paths. A bracketed filter after a name (`emails[type eq "work"]`, which Entra sends) is ignored:
 * the parameter selects attributes, not values. Throws invalidValue.
 */
export function parseAttributeList(text: string): AttrPath[] {
  const fail = (detail: string) => invalidValue(`Invalid attribute list: ${detail}`);
  if (text.length > MAX_FILTER_LENGTH) throw fail(`longer than ${MAX_FILTER_LENGTH} characters`);
  const items: string[] = [];
  let current = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (depth > 0) {
      if (c === '"') quoted = true;
      else if (c === "[") depth++;
      else if (c === "]") depth--;
      continue;
    }
    if (c === "[") depth++;
    else if (c === "]") throw fail(`unbalanced "]" at character ${i + 1}`);
    else if (c === ",") {
      items.push(current);
      current = "";
    } else current += c;
  }
  if (depth > 0 || quoted) throw fail('unbalanced "["');
  items.push(current);
  return items.map((s) => s.trim()).filter((s) => s !== "").map((s) => splitAttrPath(s, fail));
}
