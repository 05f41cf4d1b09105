// OpenID Connect Discovery 1.0 §3 and RFC 8414 §2: what Portico supports, advertised so that any
// client can integrate by discovery alone.
import "server-only";
import { OIDC_SCOPES, CLAIMS_BY_SCOPE } from "./scopes.schema";
import { endpoint, issuer } from "./issuer";
import { DEVICE_CODE_GRANT } from "@/lib/applications";
import { ACR_VALUES_SUPPORTED } from "./acr";

export function providerMetadata() {
  const authMethods = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"];
  return {
    issuer: issuer(),
    authorization_endpoint: endpoint("authorization"),
    token_endpoint: endpoint("token"),
    userinfo_endpoint: endpoint("userinfo"),
    jwks_uri: endpoint("jwks"),
    registration_endpoint: endpoint("registration"),
    introspection_endpoint: endpoint("introspection"),
    revocation_endpoint: endpoint("revocation"),
    end_session_endpoint: endpoint("endSession"),
    device_authorization_endpoint: endpoint("deviceAuthorization"),
    scopes_supported: [...OIDC_SCOPES],
    response_types_supported: ["code"],
    response_modes_supported: ["query", "form_post"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials", DEVICE_CODE_GRANT],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256", "RS256"],
    token_endpoint_auth_methods_supported: authMethods,
    token_endpoint_auth_signing_alg_values_supported: ["ES256", "RS256", "PS256", "EdDSA"],
    introspection_endpoint_auth_methods_supported: authMethods.filter((m) => m !== "none"),
    revocation_endpoint_auth_methods_supported: authMethods,
    code_challenge_methods_supported: ["S256"],
    acr_values_supported: ACR_VALUES_SUPPORTED,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", "at_hash", ...Object.values(CLAIMS_BY_SCOPE).flat()],
    prompt_values_supported: ["none", "login", "consent", "select_account"],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: false,
    ui_locales_supported: ["en"],
  };
}
