// Signing out at the provider a customer signed in through (OpenID Connect RP-Initiated Logout 1.0).
// Once Portico's own session has ended, the browser goes on to the provider's end_session_endpoint
// with the ID token it issued (id_token_hint), Portico's client_id and Portico's own
// post_logout_redirect_uri (/federation/<slug>/signed-out); `state` carries, sealed, where the
// browser goes last, so the page it comes back to needs no server-side state and cannot be
// turned into an open redirect.
import "server-only";
import { z } from "zod";
import { config } from "@/lib/config";
import { decryptAtRest, encryptAtRest } from "@/lib/crypto";
import { signedOutPath } from "./connection.schema";
import { findConnectionWithSecret, signsOutUpstream } from "./connections";
import { findIdentityForSignOut } from "./identities.repo";
import { openIdToken } from "./token-sealing";
import { providerMetadata } from "./upstream/discovery";

const STATE_PURPOSE = "federation.sign_out_state";
/** Long enough for the provider's own "sign out?" page to be answered. */
const STATE_LIFETIME_MS = 15 * 60_000;

const stateSchema = z.object({ slug: z.string(), to: z.string(), exp: z.number() });

/**
 * Where the browser goes to sign out at the provider the ended session came through, then back to
 * `returnTo` (a Portico path, or an application's post-logout URI already checked); null when the
 * session was not federated, the connection does not sign out upstream, or the provider has no
 * end_session_endpoint (or cannot be reached: the customer is signed out of Portico either way).
 */
export async function upstreamSignOutUrl(linkedIdentityId: string | null, returnTo: string, now = new Date()): Promise<string | null> {
  if (!linkedIdentityId) return null;
  const identity = await findIdentityForSignOut(linkedIdentityId);
  const connection = identity && (await findConnectionWithSecret(identity.connectionId));
  if (!identity || !connection?.enabled || !signsOutUpstream(connection) || connection.settings.protocol !== "oidc") return null;
  let endSession: string | undefined;
  try {
    endSession = (await providerMetadata(connection.settings, connection.name)).end_session_endpoint;
  } catch {
    return null;
  }
  if (!endSession || !/^https?:$/.test(new URL(endSession).protocol)) return null;
  const url = new URL(endSession);
  const idToken = safeOpen(identity.idTokenSealed);
  // §2: id_token_hint RECOMMENDED; client_id lets the provider check the post_logout_redirect_uri without it.
  if (idToken) url.searchParams.set("id_token_hint", idToken);
  url.searchParams.set("client_id", connection.settings.clientId);
  url.searchParams.set("post_logout_redirect_uri", new URL(signedOutPath(connection.slug), config().publicUrl).toString());
  url.searchParams.set("state", encryptAtRest(JSON.stringify({ slug: connection.slug, to: returnTo, exp: now.getTime() + STATE_LIFETIME_MS }), STATE_PURPOSE));
  return url.toString();
}

/** Where a signing-out browser goes: by way of the provider when the session came through one that signs out too, else straight to `returnTo`. */
export async function signOutDestination(linkedIdentityId: string | null, returnTo: string): Promise<string> {
  return (await upstreamSignOutUrl(linkedIdentityId, returnTo)) ?? returnTo;
}

/** Where the browser goes once the provider sent it back (§3: with the state given): the sealed destination, or null. */
export function afterUpstreamSignOut(slug: string, state: string | null, now = new Date()): string | null {
  if (!state || state.length > 8192) return null;
  try {
    const data = stateSchema.parse(JSON.parse(decryptAtRest(state, STATE_PURPOSE)));
    return data.slug === slug && data.exp > now.getTime() ? data.to : null;
  } catch {
    return null;
  }
}

/** A token sealed under an older key that no longer opens is no hint: sign out without it. */
function safeOpen(sealed: string | null): string | null {
  try {
    return openIdToken(sealed);
  } catch {
    return null;
  }
}
