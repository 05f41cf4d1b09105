// Every application leaves the domain through this mapping: the secret hash stays behind.
import "server-only";
import { applicationDtoSchema, type ApplicationDto } from "./applications.schema";
import type { ApplicationRecord } from "./applications.repo";
import { claimMappingsSchema, type ClaimMapping } from "@/lib/profile/attributes.schema";
import { profilingPolicyOf } from "@/lib/profile/profiling.schema";
import { jsonColumn } from "@/lib/formats";

/** Stored mappings are checked when saved; a row that no longer parses releases nothing rather than failing every request. */
function claimMappingsOf(value: unknown): ClaimMapping[] {
  const parsed = claimMappingsSchema.safeParse(jsonColumn(value));
  return parsed.success ? parsed.data : [];
}

export function toApplicationDto(a: ApplicationRecord): ApplicationDto {
  return applicationDtoSchema.parse({
    id: a.id,
    clientId: a.clientId,
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
    jwks: a.jwks ?? null,
    allowedScopes: a.allowedScopes,
    allowedResources: a.allowedResources,
    adminScopes: a.adminScopes ?? [],
    claimMappings: claimMappingsOf(a.claimMappings),
    profilingPolicy: profilingPolicyOf(a.profilingPolicy),
    rolesClaim: a.rolesClaim ?? null,
    groupsClaim: a.groupsClaim ?? null,
    requireRole: a.requireRole ?? false,
    hasSecret: a.clientSecretHash !== null,
    secretRotatedAt: a.clientSecretRotatedAt,
    disabled: a.disabledAt !== null,
    disabledAt: a.disabledAt,
    createdVia: a.createdVia,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  });
}
