// The SCIM schemas as data (RFC 7643 §7, §8.7.1): what /Schemas serves, and what normalise.ts,
// projection.ts and patch.ts read to match names, check types and decide what is returned.
// Also the other discovery resources: /ResourceTypes (RFC 7643 §6) and /ServiceProviderConfig (§5).

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const PORTICO_USER_SCHEMA = "urn:portico:scim:schemas:extension:2.0:User";
export const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";
export const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
export const SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

export type ResourceKind = "User" | "Group";
export type AttributeType = "string" | "boolean" | "decimal" | "integer" | "dateTime" | "binary" | "reference" | "complex";
export type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";
export type Returned = "always" | "never" | "default" | "request";
export type Uniqueness = "none" | "server" | "global";

/** One attribute's characteristics, as RFC 7643 §7 names them. */
export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

/** An administrator-defined attribute (AttributeDefinition), offered in the Portico extension. */
export interface CustomAttributeDef {
  name: string;
  type: "string" | "number" | "boolean" | "date";
  description?: string;
}

/** What varies per deployment: today, the administrator's custom attributes. */
export interface ScimExtensions {
  custom: readonly CustomAttributeDef[];
}

type AttrOptions = Partial<Omit<AttributeDef, "name" | "type" | "description">>;

// The RFC's defaults for most attributes (§2.2): single-valued, optional, case-insensitive,
// readWrite, returned by default, not unique.
function attr(name: string, type: AttributeType, description: string, options: AttrOptions = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...options,
  };
}

const complex = (name: string, description: string, subAttributes: AttributeDef[], options: AttrOptions = {}) =>
  attr(name, "complex", description, { subAttributes, ...options });

/** A multi-valued attribute of value/display/type/primary (RFC 7643 §2.4), as emails, phoneNumbers, … */
function multiValued(name: string, description: string, types: string[] | undefined, valueType: AttributeType = "string", valueOptions: AttrOptions = {}): AttributeDef {
  return complex(
    name,
    description,
    [
      attr("value", valueType, `The value of ${name}.`, valueOptions),
      attr("display", "string", "A human-readable name, primarily used for display purposes.", { mutability: "readWrite" }),
      attr("type", "string", "A label indicating the attribute's function.", types ? { canonicalValues: types } : {}),
      attr("primary", "boolean", "Whether this value is the preferred one (at most one primary value, RFC 7643 §2.4)."),
    ],
    { multiValued: true },
  );
}

// RFC 7643 §3.1: part of every resource, not of any schema's list (they use no URN of their own).
export const COMMON_ATTRIBUTES: readonly AttributeDef[] = [
  attr("id", "string", "Unique identifier for the SCIM resource as defined by the service provider.", {
    caseExact: true,
    mutability: "readOnly",
    returned: "always",
    uniqueness: "server",
  }),
  attr("externalId", "string", "An identifier for the resource as defined by the provisioning client.", { caseExact: true }),
  complex(
    "meta",
    "A complex attribute containing resource metadata.",
    [
      attr("resourceType", "string", "The name of the resource type of the resource.", { caseExact: true, mutability: "readOnly" }),
      attr("created", "dateTime", "The date and time the resource was added to the service provider.", { mutability: "readOnly" }),
      attr("lastModified", "dateTime", "The most recent date and time the resource was modified.", { mutability: "readOnly" }),
      attr("location", "reference", "The URI of the resource being returned.", { caseExact: true, mutability: "readOnly", referenceTypes: ["uri"] }),
      attr("version", "string", "The version (ETag) of the resource being returned.", { caseExact: true, mutability: "readOnly" }),
    ],
    { mutability: "readOnly" },
  ),
];

const ADDRESS_TYPES = ["work", "home", "other"];

export const USER_SCHEMA_DEF: SchemaDef = {
  id: USER_SCHEMA,
  name: "User",
  description: "User Account",
  attributes: [
    attr("userName", "string", "Unique identifier for the User, used by the user to directly authenticate to the service provider.", {
      required: true,
      uniqueness: "server",
    }),
    complex("name", "The components of the user's real name.", [
      attr("formatted", "string", "The full name, including all middle names, titles, and suffixes, formatted for display."),
      attr("familyName", "string", "The family name of the User, or last name."),
      attr("givenName", "string", "The given name of the User, or first name."),
      attr("middleName", "string", "The middle name(s) of the User."),
      attr("honorificPrefix", "string", "The honorific prefix(es) of the User, or title."),
      attr("honorificSuffix", "string", "The honorific suffix(es) of the User, or suffix."),
    ]),
    attr("displayName", "string", "The name of the User, suitable for display to end-users."),
    attr("nickName", "string", "The casual way to address the user in real life."),
    attr("profileUrl", "reference", "A fully qualified URL pointing to a page representing the User's online profile.", { referenceTypes: ["external"] }),
    attr("title", "string", "The user's title, such as \"Vice President\"."),
    attr("userType", "string", "Used to identify the relationship between the organization and the user."),
    attr("preferredLanguage", "string", "Indicates the User's preferred written or spoken language (RFC 7231 §5.3.5)."),
    attr("locale", "string", "Used to indicate the User's default location for localizing items."),
    attr("timezone", "string", "The User's time zone in the 'Olson' time zone database format."),
    attr("active", "boolean", "A Boolean value indicating the User's administrative status."),
    attr("password", "string", "The User's cleartext password, to set or replace it; never returned.", {
      mutability: "writeOnly",
      returned: "never",
    }),
    multiValued("emails", "Email addresses for the user.", ADDRESS_TYPES),
    multiValued("phoneNumbers", "Phone numbers for the User.", ["work", "home", "mobile", "fax", "pager", "other"]),
    multiValued("ims", "Instant messaging addresses for the User.", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
    multiValued("photos", "URLs of photos of the User.", ["photo", "thumbnail"], "reference", { referenceTypes: ["external"] }),
    complex(
      "addresses",
      "A physical mailing address for this User.",
      [
        attr("formatted", "string", "The full mailing address, formatted for display or use with a mailing label."),
        attr("streetAddress", "string", "The full street address component."),
        attr("locality", "string", "The city or locality component."),
        attr("region", "string", "The state or region component."),
        attr("postalCode", "string", "The zip code or postal code component."),
        attr("country", "string", "The country name component."),
        attr("type", "string", "A label indicating the attribute's function.", { canonicalValues: ADDRESS_TYPES }),
        // Not in §8.7.1's listing, but §4.1.2 gives addresses a primary like every multi-valued attribute.
        attr("primary", "boolean", "Whether this is the preferred mailing address."),
      ],
      { multiValued: true },
    ),
    complex(
      "groups",
      "A list of groups to which the user belongs; changed through the Group resource.",
      [
        attr("value", "string", "The identifier of the User's group.", { mutability: "readOnly" }),
        attr("$ref", "reference", "The URI of the corresponding Group resource.", { mutability: "readOnly", referenceTypes: ["Group"] }),
        attr("display", "string", "A human-readable name, primarily used for display purposes.", { mutability: "readOnly" }),
        attr("type", "string", "How the membership was derived.", { mutability: "readOnly", canonicalValues: ["direct", "indirect"] }),
      ],
      { multiValued: true, mutability: "readOnly" },
    ),
    multiValued("entitlements", "A list of entitlements for the User.", undefined),
    multiValued("roles", "A list of roles for the User.", undefined),
    multiValued("x509Certificates", "A list of certificates issued to the User.", undefined, "binary"),
  ],
};

export const GROUP_SCHEMA_DEF: SchemaDef = {
  id: GROUP_SCHEMA,
  name: "Group",
  description: "Group",
  attributes: [
    // Required here (§8.7.1 says false): a group is listed and matched by it, unique ignoring case.
    attr("displayName", "string", "A human-readable name for the Group.", { required: true, uniqueness: "server" }),
    complex(
      "members",
      "A list of members of the Group.",
      [
        attr("value", "string", "Identifier of the member of this Group.", { required: true, caseExact: true, mutability: "immutable" }),
        attr("$ref", "reference", "The URI of the corresponding member resource.", { mutability: "immutable", referenceTypes: ["User", "Group"] }),
        // §8.4's example carries it; Entra sends it on PATCH and reads it back.
        attr("display", "string", "A human-readable name for the member.", { mutability: "immutable" }),
        attr("type", "string", "The type of the member.", { mutability: "immutable", canonicalValues: ["User", "Group"] }),
      ],
      { multiValued: true },
    ),
  ],
};

export const ENTERPRISE_USER_SCHEMA_DEF: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: [
    attr("employeeNumber", "string", "Numeric or alphanumeric identifier assigned to a person."),
    attr("costCenter", "string", "Identifies the name of a cost center."),
    attr("organization", "string", "Identifies the name of an organization."),
    attr("division", "string", "Identifies the name of a division."),
    attr("department", "string", "Identifies the name of a department."),
    complex("manager", "The User's manager.", [
      attr("value", "string", "The id of the SCIM resource representing the User's manager.", { caseExact: true }),
      attr("$ref", "reference", "The URI of the SCIM resource representing the User's manager.", { referenceTypes: ["User"] }),
      attr("displayName", "string", "The displayName of the User's manager.", { mutability: "readOnly" }),
    ]),
  ],
};

const CUSTOM_TYPES: Record<CustomAttributeDef["type"], AttributeType> = { string: "string", number: "decimal", boolean: "boolean", date: "dateTime" };

/** The Portico extension: the administrator's custom attributes, each single-valued and optional. */
export function porticoExtensionSchema(custom: readonly CustomAttributeDef[]): SchemaDef {
  return {
    id: PORTICO_USER_SCHEMA,
    name: "PorticoUser",
    description: "Portico custom attributes",
    attributes: custom.map((c) => attr(c.name, CUSTOM_TYPES[c.type], c.description ?? c.name)),
  };
}

/** The schemas of one resource type: the core one (with the common attributes) and its extensions. */
export interface ResourceSchema {
  kind: ResourceKind;
  core: SchemaDef;
  /** The core schema's attributes after the common ones (RFC 7643 §3.1), as normalisation reads them. */
  coreAttributes: readonly AttributeDef[];
  extensions: readonly SchemaDef[];
}

export function resourceSchema(kind: ResourceKind, ext: ScimExtensions): ResourceSchema {
  const core = kind === "User" ? USER_SCHEMA_DEF : GROUP_SCHEMA_DEF;
  return {
    kind,
    core,
    coreAttributes: [...COMMON_ATTRIBUTES, ...core.attributes],
    extensions: kind === "User" ? [ENTERPRISE_USER_SCHEMA_DEF, porticoExtensionSchema(ext.custom)] : [],
  };
}

/** An attribute by name, ignoring case (RFC 7643 §2.1: attribute names are case-insensitive). */
export function findAttribute(attributes: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return attributes?.find((a) => a.name.toLowerCase() === lower);
}

/** An extension schema by URN, ignoring case. */
export function findExtension(schema: ResourceSchema, urn: string): SchemaDef | undefined {
  const lower = urn.toLowerCase();
  return schema.extensions.find((s) => s.id.toLowerCase() === lower);
}

// ---------------------------------------------------------------------------------------------
// Discovery resources (RFC 7644 §4), each with its meta (RFC 7643 §3.1: resourceType, location).

const trimSlash = (baseUrl: string) => baseUrl.replace(/\/+$/, "");

/** A schema as /Schemas serves it (RFC 7643 §7, §8.7.1). */
export function schemaResource(schema: SchemaDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: "Schema", location: `${trimSlash(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** Every schema the server knows: User, Group, Enterprise User, the Portico extension. */
export function allSchemas(ext: ScimExtensions): SchemaDef[] {
  return [USER_SCHEMA_DEF, GROUP_SCHEMA_DEF, ENTERPRISE_USER_SCHEMA_DEF, porticoExtensionSchema(ext.custom)];
}

/** RFC 7643 §6: User first (the Entra collection reads Resources[0].endpoint), then Group. */
export function resourceTypes(baseUrl: string): Record<string, unknown>[] {
  const base = trimSlash(baseUrl);
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "User Account",
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_SCHEMA, required: false },
        { schema: PORTICO_USER_SCHEMA, required: false },
      ],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "Group",
      schema: GROUP_SCHEMA,
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
    },
  ];
}

export interface ServiceProviderLimits {
  maxResults: number;
  maxPayloadBytes: number;
  maxOperations: number;
}

/** RFC 7643 §5. */
export function serviceProviderConfig(baseUrl: string, limits: ServiceProviderLimits): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: limits.maxOperations, maxPayloadSize: limits.maxPayloadBytes },
    filter: { supported: true, maxResults: limits.maxResults },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "Authentication with a provisioning token sent as an OAuth 2.0 bearer token (RFC 6750).",
        specUri: "https://www.rfc-editor.org/info/rfc6750",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${trimSlash(baseUrl)}/ServiceProviderConfig` },
  };
}

/**
 * The ListResponse of a discovery endpoint (RFC 7644 §3.4.2, §4): everything in one page, since
 * filtering, sorting and paging do not apply to /Schemas and /ResourceTypes.
 */
export function discoveryListResponse(resources: readonly Record<string, unknown>[]): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}

/** /Schemas as a ListResponse. */
export function schemasListResponse(baseUrl: string, ext: ScimExtensions): Record<string, unknown> {
  return discoveryListResponse(allSchemas(ext).map((s) => schemaResource(s, baseUrl)));
}

/** /ResourceTypes as a ListResponse. */
export function resourceTypesListResponse(baseUrl: string): Record<string, unknown> {
  return discoveryListResponse(resourceTypes(baseUrl));
}

/** Where an attribute path (RFC 7644 §3.10) points: an attribute of the core schema or of an extension, and maybe a sub-attribute. */
export interface ResolvedPath {
  /** The extension holding the attribute; none for the core schema and the common attributes. */
  extension?: SchemaDef;
  def: AttributeDef;
  sub?: AttributeDef;
}

/**
 * Resolves `{ schema?, attr, sub? }` against a resource's schemas, ignoring case; undefined when
 * it names nothing (an unknown schema, attribute or sub-attribute, or a sub of a simple attribute).
 */
export function resolveAttrPath(schema: ResourceSchema, path: { schema?: string; attr: string; sub?: string }): ResolvedPath | undefined {
  let extension: SchemaDef | undefined;
  let attributes: readonly AttributeDef[] = schema.coreAttributes;
  if (path.schema !== undefined && path.schema.toLowerCase() !== schema.core.id.toLowerCase()) {
    extension = findExtension(schema, path.schema);
    if (!extension) return undefined;
    attributes = extension.attributes;
  }
  const def = findAttribute(attributes, path.attr);
  if (!def) return undefined;
  if (path.sub === undefined) return extension ? { extension, def } : { def };
  const sub = findAttribute(def.subAttributes, path.sub);
  if (!sub) return undefined;
  return extension ? { extension, def, sub } : { def, sub };
}
