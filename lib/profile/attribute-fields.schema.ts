// The browser's share of custom attributes (attributes.schema.ts re-exports all of it): names,
// limits and field names the client forms need, without zod schemas or the RE2 engine, so a page
// that only renders attribute inputs (the sign-in's profile questions, the portal's profile) does
// not ship the ~260 KB pattern matcher its server action uses.
export const ATTRIBUTE_TYPES = ["string", "number", "boolean", "date", "enum", "email", "phone", "url"] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export const CUSTOMER_ACCESS = ["none", "read", "write"] as const;
export type CustomerAccess = (typeof CUSTOMER_ACCESS)[number];
/** The scopes an application may be granted today (lib/oidc/scopes.ts): an attribute is read under one of them. */
export const ATTRIBUTE_READ_SCOPES = ["profile", "email", "phone", "address"] as const;

export const LABEL_MAX_LENGTH = 100;
export const STRING_VALUE_MAX_LENGTH = 1000;
export const PATTERN_MAX_LENGTH = 200;
export const ENUM_MAX_VALUES = 100;

/** The form field that carries an attribute (prefixed: never clashes with the standard claims' fields). */
export const attributeField = (name: string) => `attr.${name}`;
