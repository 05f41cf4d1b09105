// A plain OAuth 2.0 provider's part of the callback (GitHub's shape): the code redeemed, the
// profile read with the access token, and from an emails endpoint the verified address.
import "server-only";
import type { OAuth2Settings } from "../connection.schema";
import type { ConnectionWithSecret } from "../connections";
import { emailValue, mapUpstreamClaims } from "./claims";
import { bearerGet, redeemCode, type TokenClient } from "./token-request";
import { invalidResponse } from "./upstream-http";
import type { ExpectedCallback, UpstreamIdentity } from "./types";

/** GitHub's `/user/emails`: the primary address if verified, else any verified one. */
export function verifiedEmailFrom(list: unknown): string | null {
  if (!Array.isArray(list)) return null;
  const verified = list.filter((e): e is { email: unknown; primary?: unknown } => typeof e === "object" && e !== null && (e as { verified?: unknown }).verified === true);
  const pick = verified.find((e) => e.primary === true && emailValue(e.email)) ?? verified.find((e) => emailValue(e.email));
  return pick ? emailValue(pick.email) : null;
}

/** The configured token endpoint and the client's authentication there. */
export function oauth2TokenClient(c: ConnectionWithSecret, settings: OAuth2Settings): TokenClient {
  return { tokenEndpoint: settings.tokenEndpoint, clientId: settings.clientId, clientSecret: c.clientSecret, authMethod: settings.tokenEndpointAuthMethod, upstreamName: c.name };
}

export async function redeemOAuth2(c: ConnectionWithSecret, settings: OAuth2Settings, callback: { code: string; redirectUri: string; expected: ExpectedCallback }): Promise<UpstreamIdentity> {
  const tokens = await redeemCode({ ...oauth2TokenClient(c, settings), code: callback.code, redirectUri: callback.redirectUri, codeVerifier: callback.expected.codeVerifier });
  const profile = await bearerGet(settings.userinfoEndpoint, tokens.accessToken, c.name);
  if (typeof profile !== "object" || profile === null || Array.isArray(profile)) throw invalidResponse(c.name);
  const mapped = mapUpstreamClaims(profile as Record<string, unknown>, settings.claimMapping, "oauth2");
  if (!mapped.subject) throw invalidResponse(c.name);

  // An address the emails endpoint marks verified wins; one only from the profile is unverified
  // (unless the connection maps an explicit email_verified claim).
  const verifiedEmail = settings.emailsEndpoint ? verifiedEmailFrom(await bearerGet(settings.emailsEndpoint, tokens.accessToken, c.name, { optional: true })) : null;
  return {
    subject: mapped.subject,
    email: verifiedEmail ?? mapped.email,
    emailVerified: verifiedEmail !== null || (mapped.email !== null && mapped.emailVerified),
    profile: mapped.profile,
    amr: ["fed"],
    tokens: { ...tokens, idToken: null },
  };
}
