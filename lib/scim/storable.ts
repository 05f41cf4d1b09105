// What PostgreSQL cannot store in text or jsonb: a NUL, or half a UTF-16 surrogate pair. A value
// holding one is the client's error (a SCIM attribute, a filter's string), not a failed write.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorable(value: string): boolean {
  return value.includes("\u0000") || LONE_SURROGATE.test(value);
}
