// OpenID Connect Discovery 1.0: the issuer's provider metadata, fetched through the SSRF guard and
// held in memory for a few minutes per issuer (a sign-in does not pay for it twice).
import "server-only";
import { z } from "zod";
import type { OidcSettings } from "../connection.schema";
import { FederationError } from "../federation.errors";
import { jsonObject, upstreamFetch } from "./upstream-http";

export const DISCOVERY_TTL_MS = 5 * 60_000;

const endpoint = z.url().max(2000);
const metadataSchema = z.object({
  issuer: z.string().min(1).max(2000),
  authorization_endpoint: endpoint,
  token_endpoint: endpoint,
  jwks_uri: endpoint,
  userinfo_endpoint: endpoint.optional(),
  // RP-Initiated Logout 1.0 §2.1.
  end_session_endpoint: endpoint.optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
});
export type ProviderMetadata = z.infer<typeof metadataSchema>;

const cache = new Map<string, { metadata: ProviderMetadata; until: number }>();

/** Discovery §4: `<issuer>/.well-known/openid-configuration`. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

export async function providerMetadata(settings: OidcSettings, upstreamName: string): Promise<ProviderMetadata> {
  const hit = cache.get(settings.issuer);
  if (hit && hit.until > Date.now()) return hit.metadata;

  const res = await upstreamFetch(discoveryUrl(settings.issuer), { method: "GET", headers: { accept: "application/json" } }, upstreamName);
  if (res.status !== 200) throw new FederationError("upstream_unreachable", `${upstreamName} could not be reached. Try again in a moment.`);
  const parsed = metadataSchema.safeParse(jsonObject(res, upstreamName));
  if (!parsed.success) throw new FederationError("invalid_response", `${upstreamName} is not set up correctly (its OpenID configuration is incomplete).`);
  // Discovery §4.3: the document must name the issuer it was fetched for. A multi-tenant endpoint
  // names its template instead (the ID token's issuer is checked against the tenant's).
  const metadata = parsed.data;
  if (metadata.issuer !== settings.issuer && !(settings.issuerTemplate && metadata.issuer === settings.issuerTemplate)) {
    throw new FederationError("invalid_response", `${upstreamName} is not set up correctly (its OpenID configuration names another issuer).`);
  }
  cache.set(settings.issuer, { metadata, until: Date.now() + DISCOVERY_TTL_MS });
  return metadata;
}

/** Tests start from an empty cache. */
export function forgetProviderMetadata(): void {
  cache.clear();
}
