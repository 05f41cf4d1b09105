// The authorization request the browser is sent to: code flow with PKCE S256 (RFC 7636 §4.2), a
// fresh state (RFC 6749 §10.12) and, for OpenID Connect, a nonce (Core §3.1.2.1); the redirect
// URI exactly as registered upstream.
import "server-only";
import crypto from "node:crypto";
import type { ConnectionWithSecret } from "../connections";
import { providerMetadata } from "./discovery";
import type { UpstreamAuthorization } from "./types";

/** 256 bits, base64url (43 characters: a valid PKCE verifier, RFC 7636 §4.1). */
const randomToken = () => crypto.randomBytes(32).toString("base64url");

export const pkceChallenge = (verifier: string) => crypto.createHash("sha256").update(verifier, "ascii").digest("base64url");

export async function upstreamAuthorizationUrl(c: ConnectionWithSecret, redirectUri: string, opts: { loginHint?: string } = {}): Promise<UpstreamAuthorization> {
  const s = c.settings;
  if (s.protocol === "saml") throw new Error("a SAML connection's request is built by saml.ts");
  const state = randomToken();
  const codeVerifier = randomToken();
  const nonce = s.protocol === "oidc" ? randomToken() : null;
  const endpoint = s.protocol === "oidc" ? (await providerMetadata(s, c.name)).authorization_endpoint : s.authorizationEndpoint;
  // Core §3.1.2.1: an OpenID request names the openid scope.
  const scopes = s.protocol === "oidc" && !s.scopes.includes("openid") ? ["openid", ...s.scopes] : s.scopes;

  // The endpoint may carry its own query (kept); ours is set over it.
  const url = new URL(endpoint);
  const q = url.searchParams;
  q.set("response_type", "code");
  q.set("client_id", s.clientId);
  q.set("redirect_uri", redirectUri);
  if (scopes.length) q.set("scope", scopes.join(" "));
  q.set("state", state);
  q.set("code_challenge", pkceChallenge(codeVerifier));
  q.set("code_challenge_method", "S256");
  if (nonce) q.set("nonce", nonce);
  // OAuth 2.0 Form Post Response Mode §2: the answer comes back as a POST to the redirect URI.
  if (s.protocol === "oidc" && s.responseMode === "form_post") q.set("response_mode", "form_post");
  const hint = opts.loginHint?.trim();
  // GitHub names the hint `login`; everyone else OpenID Connect's `login_hint`.
  if (hint && hint.length <= 254) q.set(c.preset === "github" ? "login" : "login_hint", hint);
  return { url: url.toString(), state, codeVerifier, nonce };
}
