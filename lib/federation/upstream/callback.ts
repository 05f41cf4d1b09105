// The callback (RFC 6749 §4.1.2): its parameters, from the query or a form_post body, checked
// against the request that was sent (state, RFC 9207's iss), then the code redeemed and the
// identity read by the protocol's own steps (oidc.ts, oauth2.ts).
import "server-only";
import type { OAuth2Settings } from "../connection.schema";
import type { ConnectionWithSecret } from "../connections";
import { FederationError } from "../federation.errors";
import { providerMetadata } from "./discovery";
import { constantTimeEqual } from "./id-token";
import { redeemOAuth2 } from "./oauth2";
import { redeemOidc } from "./oidc";
import { errorCode } from "./upstream-http";
import type { ExpectedCallback, UpstreamIdentity } from "./types";

export async function redeemUpstreamCallback(c: ConnectionWithSecret, redirectUri: string, params: URLSearchParams, expected: ExpectedCallback): Promise<UpstreamIdentity> {
  if (c.settings.protocol === "saml") throw new Error("a SAML connection's answer is read by saml.ts");
  // RFC 6749 §10.12: the answer to the request this browser started (error answers carry it too).
  const state = params.get("state");
  if (state === null || !constantTimeEqual(state, expected.state)) {
    throw new FederationError("invalid_state", "This sign-in link has expired or was already used. Please start again.");
  }

  // RFC 6749 §4.1.2.1: the customer declined, or the upstream refused the request.
  const error = params.get("error");
  if (error !== null) {
    const code = errorCode(error) ?? "invalid_error";
    const message = code === "access_denied" ? `The sign-in with ${c.name} was cancelled.` : `${c.name} could not sign you in. Please try again.`;
    throw new FederationError("upstream_error", message, { upstreamError: code });
  }

  // RFC 9207 §2.4: an iss parameter must name the issuer we sent the request to, and an issuer
  // that announces it must send it (this is what stops a mix-up between upstreams).
  const iss = params.get("iss");
  let issuerParam: string | null = null;
  if (c.settings.protocol === "oidc") {
    const metadata = await providerMetadata(c.settings, c.name);
    if (iss === null && metadata.authorization_response_iss_parameter_supported) throw mixUp(c.name);
    if (iss !== null && !issuerParamMatches(iss, c.settings.issuer, c.settings.issuerTemplate)) throw mixUp(c.name);
    issuerParam = iss;
  }

  const code = params.get("code");
  if (!code || code.length > 4096) throw new FederationError("invalid_response", `${c.name} did not send a sign-in code. Please try again.`);

  if (c.settings.protocol === "oidc") {
    return redeemOidc(c, c.settings, { code, redirectUri, expected, issuerParam, appleUser: params.get("user") });
  }
  return redeemOAuth2(c, c.settings as OAuth2Settings, { code, redirectUri, expected });
}

function mixUp(name: string): FederationError {
  return new FederationError("invalid_response", `The answer did not come from ${name}. Please start again.`);
}

/** The configured issuer, or (multi-tenant) one the template could give: the token's is checked once known. */
export function issuerParamMatches(iss: string, issuer: string, template: string | undefined): boolean {
  if (iss === issuer) return true;
  if (!template || !template.includes("{tenantid}")) return false;
  const [head, tail] = [template.slice(0, template.indexOf("{tenantid}")), template.slice(template.indexOf("{tenantid}") + "{tenantid}".length)];
  return iss.startsWith(head) && iss.endsWith(tail) && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(iss.slice(head.length, iss.length - tail.length));
}
