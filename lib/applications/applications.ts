// Application administration. Authorised here, in the domain, not only by the pages (a new page or
// action cannot forget the check); every change writes an audit event without secrets. Client
// secrets are 256 random bits, stored as SHA-256 and shown once (RFC 6749 §2.3.1 leaves the format to us).
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { fieldErrorsOf } from "@/lib/errors";
import { recordAudit, type AuditActor, type RequestContext } from "@/lib/audit";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { assertApplicationPermission, assertPermission, assertTenantWidePermission, permissionScope, type Actor } from "@/lib/users";
import { checkOutboundUrl, OutboundRequestError } from "@/lib/outbound";
import { ApplicationError } from "./applications.errors";
import {
  ADMIN_API_SCOPES,
  isAdminApiScope,
  applicationIdSchema,
  applicationInputSchema,
  usesClientSecret,
  type ApplicationDto,
  type ApplicationInput,
} from "./applications.schema";
import {
  deleteApplicationRow,
  findApplicationByClientId,
  findApplicationForAuthentication,
  findApplicationById,
  insertApplication,
  isNotFound,
  listApplicationRows,
  updateApplicationRow,
  withTransaction,
  type ApplicationRecord,
  type ApplicationWrite,
  type Tx,
} from "./applications.repo";
import { toApplicationDto } from "./dto";
import { listAttributeDefinitions, type ClaimMapping } from "@/lib/profile";
import { claimMappingsFromRows, MAPPING_FIELD_PREFIX, type ClaimMappingRow } from "@/lib/profile/attributes.schema";
import { parseProfilingLines, ruleSummary, type ProfilingPolicy } from "@/lib/profile/profiling.schema";
import { isKnownScope, OIDC_SCOPES } from "@/lib/oidc/scopes.schema";
import { listPurposes } from "@/lib/consents";
import { isWellFormedClientId } from "./client-id";

export interface ApplicationWithSecret {
  application: ApplicationDto;
  /** Present only when a secret was just issued: show it once, it cannot be read back. */
  clientSecret?: string;
}


function adminActor(actor: Actor): AuditActor {
  return { type: "admin", id: actor.id };
}

/**
 * Why Portico will not call this back-channel logout URI, or null. The cheap early check (a literal
 * internal address, a metadata or localhost name; loopback only with OUTBOUND_ALLOW_LOOPBACK): the
 * real guard is safe-fetch's check of every resolved address when the request is made.
 */
export function callbackUriProblem(uri: string | null): string | null {
  if (!uri) return null;
  try {
    checkOutboundUrl(uri);
    return null;
  } catch (e) {
    if (e instanceof OutboundRequestError) return `Portico does not call internal addresses: ${e.message.replace(/^refusing to call an? /, "")}.`;
    throw e;
  }
}

/** Parses create/update input; a failure carries one message per field for the form. */
export function parseApplicationInput(input: unknown): ApplicationInput {
  const r = applicationInputSchema.safeParse(input);
  if (r.success) {
    const problem = callbackUriProblem(r.data.backchannelLogoutUri);
    if (problem) throw new ApplicationError("invalid_input", problem, { field: "backchannelLogoutUri", fieldErrors: { backchannelLogoutUri: problem } });
    return r.data;
  }
  const fieldErrors = fieldErrorsOf(r.error.issues);
  const [field, message] = Object.entries(fieldErrors)[0] ?? ["form", "Invalid application settings."];
  throw new ApplicationError("invalid_input", message, { field, fieldErrors });
}

function columns(a: ApplicationInput): Omit<ApplicationWrite, "clientId" | "createdVia"> {
  return {
    name: a.name,
    type: a.type,
    redirectUris: a.redirectUris,
    postLogoutRedirectUris: a.postLogoutRedirectUris,
    grantTypes: a.grantTypes,
    tokenEndpointAuthMethod: a.tokenEndpointAuthMethod,
    idTokenSignedResponseAlg: a.idTokenSignedResponseAlg,
    accessTokenTtlSeconds: a.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: a.refreshTokenTtlSeconds,
    backchannelLogoutUri: a.backchannelLogoutUri,
    logoUri: a.logoUri,
    firstParty: a.firstParty,
    mfaPolicy: a.mfaPolicy,
    emailCodeWithStrongFactor: a.emailCodeWithStrongFactor,
    jwks: a.jwks as ApplicationWrite["jwks"],
    allowedScopes: a.allowedScopes,
    allowedResources: a.allowedResources,
  };
}

function newSecret(): { secret: string; hash: string } {
  const secret = randomToken();
  return { secret, hash: sha256Hex(secret) };
}

/** Shared by the admin console and dynamic registration (RFC 7591). */
export async function insertNewApplication(
  input: ApplicationInput,
  opts: { createdVia: "admin" | "dynamic"; actor: AuditActor; context: RequestContext; details?: Record<string, unknown>; beforeInsert?: (tx: Tx) => Promise<void> },
): Promise<ApplicationWithSecret> {
  const secret = usesClientSecret(input.tokenEndpointAuthMethod) ? newSecret() : undefined;
  const row = await withTransaction(async (tx) => {
    await opts.beforeInsert?.(tx);
    const created = await insertApplication(
      {
        ...columns(input),
        // 128 random bits, base64url: 22 characters, safe in URLs and Basic credentials.
        clientId: randomToken(16),
        clientSecretHash: secret?.hash ?? null,
        clientSecretRotatedAt: secret ? new Date() : null,
        createdVia: opts.createdVia,
      },
      tx,
    );
    await recordAudit(
      {
        actor: opts.actor,
        action: "application.created",
        target: { type: "application", id: created.id },
        result: "success",
        context: opts.context,
        details: { clientId: created.clientId, name: created.name, type: created.type, createdVia: opts.createdVia, ...opts.details },
      },
      tx,
    );
    await emitIdentityEvent({ type: "application.created", userId: null, data: { clientId: created.clientId } }, tx);
    return created;
  });
  return { application: toApplicationDto(row), clientSecret: secret?.secret };
}

/** application.updated: about no person (userId null), naming the settings that changed (never their values: a secret, a key). */
export function applicationUpdated(clientId: string, fields: string[], tx: Tx): Promise<{ id: string }> {
  return emitIdentityEvent({ type: "application.updated", userId: null, data: { clientId, fields } }, tx);
}

export async function createApplication(actor: Actor, input: unknown, ctx: RequestContext): Promise<ApplicationWithSecret> {
  // An application administrator holds named applications only: a new one needs the tenant-wide permission.
  assertTenantWidePermission(actor, "applications:write");
  return insertNewApplication(parseApplicationInput(input), { createdVia: "admin", actor: adminActor(actor), context: ctx });
}

async function loadForChange(id: string, tx: Tx): Promise<ApplicationRecord> {
  const row = applicationIdSchema.safeParse(id).success ? await findApplicationById(id, tx) : null;
  if (!row) throw new ApplicationError("not_found", "This application does not exist.");
  return row;
}

/**
 * An application allowed admin API scopes is as powerful as those scopes: changing how it
 * authenticates (its secret, method or keys) needs what each scope opens, else an application
 * administrator could rotate its secret and read what their own roles do not.
 */
function assertMayChangeCredentials(actor: Actor, app: ApplicationRecord): void {
  for (const s of app.adminScopes ?? []) if (isAdminApiScope(s)) assertPermission(actor, ADMIN_API_SCOPES[s]);
}

const COMPARED_FIELDS = [
  "name",
  "type",
  "redirectUris",
  "postLogoutRedirectUris",
  "grantTypes",
  "tokenEndpointAuthMethod",
  "idTokenSignedResponseAlg",
  "accessTokenTtlSeconds",
  "refreshTokenTtlSeconds",
  "backchannelLogoutUri",
  "logoUri",
  "firstParty",
  "mfaPolicy",
  "emailCodeWithStrongFactor",
  "jwks",
  "allowedScopes",
  "allowedResources",
] as const;

/**
 * Replaces the application's settings. Switching to a secret-based method issues a secret (returned
 * once); switching away from one deletes the stored hash, so a stale secret cannot come back.
 */
export async function updateApplication(actor: Actor, id: string, input: unknown, ctx: RequestContext): Promise<ApplicationWithSecret> {
  assertApplicationPermission(actor, "applications:write", id);
  const a = parseApplicationInput(input);
  return withTransaction(async (tx) => {
    const before = await loadForChange(id, tx);
    assertMayChangeCredentials(actor, before);
    const needsSecret = usesClientSecret(a.tokenEndpointAuthMethod);
    const secret = needsSecret && !before.clientSecretHash ? newSecret() : undefined;
    const data: Partial<ApplicationWrite> = { ...columns(a) };
    if (secret) Object.assign(data, { clientSecretHash: secret.hash, clientSecretRotatedAt: new Date() });
    if (!needsSecret) Object.assign(data, { clientSecretHash: null, clientSecretRotatedAt: null });
    const after = await updateApplicationRow(id, data, tx);
    const changed = COMPARED_FIELDS.filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null));
    const secretChanged = Boolean(secret) || Boolean(before.clientSecretHash && !needsSecret);
    if (changed.length || secretChanged) await applicationUpdated(after.clientId, [...changed, ...(secretChanged ? ["clientSecret"] : [])], tx);
    await recordAudit(
      {
        actor: adminActor(actor),
        action: "application.updated",
        target: { type: "application", id },
        result: "success",
        context: ctx,
        details: { clientId: after.clientId, changed, ...(secret ? { secretIssued: true } : {}), ...(before.clientSecretHash && !needsSecret ? { secretRemoved: true } : {}) },
      },
      tx,
    );
    return { application: toApplicationDto(after), clientSecret: secret?.secret };
  });
}

/** A disabled client fails client authentication and every protocol request at once. */
export async function setApplicationDisabled(actor: Actor, id: string, disabled: boolean, ctx: RequestContext): Promise<ApplicationDto> {
  assertApplicationPermission(actor, "applications:write", id);
  return withTransaction(async (tx) => {
    const before = await loadForChange(id, tx);
    if ((before.disabledAt !== null) === disabled) return toApplicationDto(before);
    const after = await updateApplicationRow(id, { disabledAt: disabled ? new Date() : null }, tx);
    await recordAudit(
      {
        actor: adminActor(actor),
        action: disabled ? "application.disabled" : "application.enabled",
        target: { type: "application", id },
        result: "success",
        context: ctx,
        details: { clientId: after.clientId },
      },
      tx,
    );
    await applicationUpdated(after.clientId, ["disabled"], tx);
    return toApplicationDto(after);
  });
}

export async function deleteApplication(actor: Actor, id: string, ctx: RequestContext): Promise<void> {
  assertApplicationPermission(actor, "applications:write", id);
  await withTransaction(async (tx) => {
    const before = await loadForChange(id, tx);
    try {
      await deleteApplicationRow(id, tx);
    } catch (e) {
      if (isNotFound(e)) throw new ApplicationError("not_found", "This application does not exist.");
      throw e;
    }
    await recordAudit(
      {
        actor: adminActor(actor),
        action: "application.deleted",
        target: { type: "application", id },
        result: "success",
        context: ctx,
        details: { clientId: before.clientId, name: before.name },
      },
      tx,
    );
  });
}

/** A new secret replaces the old one at once (no overlap): the old one stops working immediately. */
export async function rotateClientSecret(actor: Actor, id: string, ctx: RequestContext): Promise<{ application: ApplicationDto; clientSecret: string }> {
  assertApplicationPermission(actor, "applications:write", id);
  return withTransaction(async (tx) => {
    const before = await loadForChange(id, tx);
    assertMayChangeCredentials(actor, before);
    if (!usesClientSecret(before.tokenEndpointAuthMethod as ApplicationInput["tokenEndpointAuthMethod"])) {
      throw new ApplicationError("not_applicable", "This application does not authenticate with a client secret.");
    }
    const secret = newSecret();
    const after = await updateApplicationRow(id, { clientSecretHash: secret.hash, clientSecretRotatedAt: new Date() }, tx);
    await recordAudit(
      {
        actor: adminActor(actor),
        action: "application.secret_rotated",
        target: { type: "application", id },
        result: "success",
        context: ctx,
        details: { clientId: after.clientId },
      },
      tx,
    );
    await applicationUpdated(after.clientId, ["clientSecret"], tx);
    return { application: toApplicationDto(after), clientSecret: secret.secret };
  });
}

/** Every application, or for an application administrator the ones they hold. */
export async function listApplications(actor: Actor): Promise<ApplicationDto[]> {
  assertPermission(actor, "applications:read");
  const scope = permissionScope(actor, "applications:read");
  const rows = await listApplicationRows();
  return rows.filter((r) => scope === "all" || scope.includes(r.id)).map(toApplicationDto);
}

export async function getApplication(actor: Actor, id: string): Promise<ApplicationDto | null> {
  assertApplicationPermission(actor, "applications:read", id);
  if (!applicationIdSchema.safeParse(id).success) return null;
  const row = await findApplicationById(id);
  return row && toApplicationDto(row);
}

/**
 * The protocol endpoints' lookup (one indexed query). Returns disabled clients too, flagged
 * `disabled`: the caller refuses them. Nothing is cached across requests, so a disable, a
 * rotation or a deletion takes effect on the next request on every node.
 */
export async function findClientByClientId(clientId: string): Promise<ApplicationDto | null> {
  if (!isWellFormedClientId(clientId)) return null;
  const row = await findApplicationByClientId(clientId);
  return row && toApplicationDto(row);
}

/**
 * The application's mapping of custom attributes to claims, from the console's rows (lib/profile
 * claimMappingsFromRows). Refused, on the row at fault: a registered claim name, a claim mapped
 * twice, an attribute that does not exist or that applications may not read.
 */
export async function setClaimMappings(actor: Actor, id: string, rows: readonly ClaimMappingRow[], ctx: RequestContext): Promise<ApplicationDto> {
  assertApplicationPermission(actor, "applications:write", id);
  const checked = claimMappingsFromRows(rows);
  const fieldErrors = checked.ok ? {} : { ...checked.fieldErrors };
  const definitions = await listAttributeDefinitions();
  for (const [i, row] of rows.entries()) {
    const field = `${MAPPING_FIELD_PREFIX}.${i}.attribute`;
    const name = row.attribute.trim();
    if (name === "" || fieldErrors[field]) continue;
    const d = definitions.find((x) => x.name === name);
    if (!d) fieldErrors[field] = `There is no attribute ${name}.`;
    else if (!d.appReadScope) fieldErrors[field] = `Applications may not read ${name}: give it a read scope on the attributes page first.`;
  }
  const [firstField, firstMessage] = Object.entries(fieldErrors)[0] ?? [];
  if (!checked.ok || firstField) throw new ApplicationError("invalid_input", firstMessage ?? "Check the highlighted mappings.", { field: firstField, fieldErrors });
  const mappings = checked.mappings;
  return withTransaction(async (tx) => {
    const before = await loadForChange(id, tx);
    // The roles and groups claims (roles.ts) are taken: a mapped attribute may not hide them.
    const taken = mappings.findIndex((m) => m.claim === before.rolesClaim || m.claim === before.groupsClaim);
    if (taken >= 0) {
      const field = `${MAPPING_FIELD_PREFIX}.${taken}.claim`;
      const message = `The application receives its roles or groups in ${mappings[taken]!.claim}.`;
      throw new ApplicationError("invalid_input", message, { field, fieldErrors: { [field]: message } });
    }
    const after = await updateApplicationRow(id, { claimMappings: mappings as unknown as ApplicationWrite["claimMappings"] }, tx);
    if (JSON.stringify(before.claimMappings) !== JSON.stringify(after.claimMappings)) {
      await recordAudit(
        {
          actor: adminActor(actor),
          action: "application.updated",
          target: { type: "application", id },
          result: "success",
          context: ctx,
          details: { clientId: after.clientId, changed: ["claimMappings"], claims: mappings.map((m) => `${m.attribute}->${m.claim}`) },
        },
        tx,
      );
      await applicationUpdated(after.clientId, ["claimMappings"], tx);
    }
    return toApplicationDto(after);
  });
}

/**
 * The admin API scopes (ADMIN_API_SCOPES) this confidential client may obtain by client_credentials.
 * Each scope added or removed needs the permission it opens, besides applications:write: nobody
 * hands an application more than they may do themselves. Audited with what changed.
 */
export async function setApplicationAdminScopes(actor: Actor, id: string, scopes: string[], ctx: RequestContext): Promise<ApplicationDto> {
  assertApplicationPermission(actor, "applications:write", id);
  const wanted = [...new Set(scopes)];
  const unknown = wanted.find((s) => !isAdminApiScope(s));
  if (unknown !== undefined) throw new ApplicationError("invalid_input", `There is no admin API scope ${unknown.slice(0, 40)}.`, { field: "adminScopes" });
  return withTransaction(async (tx) => {
    const before = await loadForChange(id, tx);
    const current = before.adminScopes ?? [];
    const added = wanted.filter((s) => !current.includes(s));
    const removed = current.filter((s) => !wanted.includes(s));
    for (const s of [...added, ...removed]) if (isAdminApiScope(s)) assertPermission(actor, ADMIN_API_SCOPES[s]);
    if (added.length && (before.type !== "confidential" || !before.grantTypes.includes("client_credentials"))) {
      throw new ApplicationError("invalid_input", "Only a confidential application with the client_credentials grant can call the admin API.", { field: "adminScopes" });
    }
    if (!added.length && !removed.length) return toApplicationDto(before);
    const after = await updateApplicationRow(id, { adminScopes: wanted }, tx);
    await recordAudit(
      { actor: adminActor(actor), action: "application.admin_scopes_changed", target: { type: "application", id }, result: "success", context: ctx, details: { clientId: after.clientId, added, removed } },
      tx,
    );
    await applicationUpdated(after.clientId, ["adminScopes"], tx);
    return toApplicationDto(after);
  });
}

/** Why a parsed profiling policy cannot work here (null: it can). */
async function profilingPolicyProblem(policy: ProfilingPolicy): Promise<string | null> {
  const [definitions, purposes] = await Promise.all([listAttributeDefinitions(), listPurposes()]);
  const purposeProblem = (key: string) => {
    const p = purposes.find((x) => x.key === key);
    return !p ? `There is no purpose ${key}.` : p.legalBasis !== "consent" ? `${p.name} is not based on consent: there is nothing to ask.` : null;
  };
  for (const r of policy.rules) {
    const d = definitions.find((x) => x.name === r.attribute);
    if (!d) return `There is no attribute ${r.attribute}.`;
    if (d.customerAccess !== "write") return `Customers may not write ${r.attribute}: make it writable on the attributes page first.`;
    if (r.when.on === "scope" && !isKnownScope(r.when.scope)) return `Sign-in requests cannot carry the scope ${r.when.scope} (known scopes: ${OIDC_SCOPES.join(", ")}).`;
    if (r.when.on === "purpose") {
      const problem = purposeProblem(r.when.purpose);
      if (problem) return problem;
    }
  }
  for (const key of policy.purposes) {
    const problem = purposeProblem(key);
    if (problem) return problem;
  }
  return null;
}

/**
 * The application's progressive profiling policy, from the console's form: one question a line
 * (lib/profile parseProfilingLines) and the days after which a skipped question is asked again.
 * Refused: an attribute that does not exist, or that the customer may not write (they could never
 * answer it); a purpose that does not exist or is not based on consent (nothing to give); a scope
 * the authorization endpoint does not accept (the rule could never apply). Empty lines: no policy.
 */
export async function setProfilingPolicy(actor: Actor, id: string, lines: string, remindAfterDays: number, ctx: RequestContext): Promise<ApplicationDto> {
  assertApplicationPermission(actor, "applications:write", id);
  const parsed = parseProfilingLines(lines, remindAfterDays);
  if (!parsed.ok) {
    const field = parsed.field ?? "profilingPolicy";
    throw new ApplicationError("invalid_input", parsed.message, { field, fieldErrors: { [field]: parsed.message } });
  }
  const policy = parsed.policy;
  if (policy) {
    const problem = await profilingPolicyProblem(policy);
    if (problem) throw new ApplicationError("invalid_input", problem, { field: "profilingPolicy", fieldErrors: { profilingPolicy: problem } });
  }
  return withTransaction(async (tx) => {
    const before = await loadForChange(id, tx);
    const after = await updateApplicationRow(id, { profilingPolicy: policy as unknown as ApplicationWrite["profilingPolicy"] }, tx);
    if (JSON.stringify(toApplicationDto(before).profilingPolicy) !== JSON.stringify(policy)) {
      await recordAudit(
        {
          actor: adminActor(actor),
          action: "application.updated",
          target: { type: "application", id },
          result: "success",
          context: ctx,
          details: {
            clientId: after.clientId,
            changed: ["profilingPolicy"],
            profiling: policy ? policy.rules.map(ruleSummary) : [],
            purposes: policy?.purposes ?? [],
            remindAfterDays: policy?.remindAfterDays ?? null,
          },
        },
        tx,
      );
      await applicationUpdated(after.clientId, ["profilingPolicy"], tx);
    }
    return toApplicationDto(after);
  });
}

/** UserInfo's view of the token's application (cached as client authentication reads it): null when gone or disabled. */
export async function enabledClientClaimMappings(clientId: string): Promise<ClaimMapping[] | null> {
  if (!isWellFormedClientId(clientId)) return null;
  const row = await findApplicationForAuthentication(clientId);
  return row && !row.disabledAt ? toApplicationDto(row).claimMappings : null;
}

/**
 * UserInfo's view of the token's application (the cached row, as enabledClientClaimMappings): what
 * it releases besides the standard claims, its mapped attributes and its roles and groups claims;
 * null when gone or disabled.
 */
export async function enabledClientReleases(clientId: string): Promise<Pick<ApplicationDto, "id" | "claimMappings" | "rolesClaim" | "groupsClaim"> | null> {
  if (!isWellFormedClientId(clientId)) return null;
  const row = await findApplicationForAuthentication(clientId);
  if (!row || row.disabledAt) return null;
  const dto = toApplicationDto(row);
  return { id: dto.id, claimMappings: dto.claimMappings, rolesClaim: dto.rolesClaim, groupsClaim: dto.groupsClaim };
}
