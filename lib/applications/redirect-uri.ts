// Redirect URI rules for registration and for the authorization request (exact match: a looser one
// would send codes to URLs the client never registered). Registration accepts https, http on a
// loopback host (RFC 8252 §7.3, §8.3) and private-use schemes of native apps (RFC 8252 §7.1); never
// a fragment (RFC 6749 §3.1.2). Matching is exact string comparison, except that a native (public)
// client's loopback redirect may use any port (RFC 8252 §7.3); a confidential web client's loopback
// URI must match exactly, port included.
// Pure functions, no server-only imports: the admin forms bundle this through applications.schema.ts.

export const URI_MAX_LENGTH = 2000;

/** The loopback hosts accepted over plain http, spelled exactly as here (no 127.1, no uppercase). */
const LOOPBACK_PREFIX = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(?=[/?]|$)/;

/** RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it contains a period. */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/i;

export type UriKind =
  /** redirect_uris and post_logout_redirect_uris */
  | "redirect"
  /** backchannel_logout_uri: the server calls it, so https (or http loopback for development) */
  | "https-or-loopback"
  /** logo_uri: shown to people, https only */
  | "https";

function shown(uri: string): string {
  return uri.length > 80 ? `${uri.slice(0, 77)}…` : uri;
}

/** The port of an http loopback URI (undefined when it has none), or null when not one. */
function loopbackPort(raw: string): string | undefined | null {
  const m = LOOPBACK_PREFIX.exec(raw);
  return m ? m[2] : null;
}

/** Why `raw` cannot be registered as a URI of this kind, or null when it can. */
export function uriProblem(raw: string, kind: UriKind): string | null {
  const q = `"${shown(raw)}"`;
  if (raw.length === 0) return "Enter a URI.";
  if (raw.length > URI_MAX_LENGTH) return `${q} is longer than ${URI_MAX_LENGTH} characters.`;
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return `${q} contains spaces or control characters.`;
  if (raw.includes("#")) return `${q} has a fragment (#…); remove it.`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${q} is not an absolute URI.`;
  }
  if (url.username || url.password) return `${q} must not contain a user name or password.`;
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === "https") {
    if (!url.hostname) return `${q} has no host.`;
    return null;
  }
  if (scheme === "http") {
    if (kind === "https") return `${q} must use https.`;
    const port = loopbackPort(raw);
    if (port === null) {
      return `${q} must use https (plain http is allowed only for http://127.0.0.1, http://[::1] or http://localhost).`;
    }
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `${q} has an invalid port.`;
    return null;
  }
  if (kind !== "redirect") return `${q} must use https.`;
  if (!PRIVATE_USE_SCHEME.test(scheme)) {
    return `${q} must use https, http on a loopback address, or a reverse-domain app scheme like com.example.app:/callback.`;
  }
  if (raw.length <= scheme.length + 1) return `${q} has nothing after the scheme.`;
  return null;
}

/**
 * Is `requested` one of the `registered` redirect URIs? Exact, case-sensitive string comparison:
 * no normalisation, no trailing-slash or prefix leniency. The one exception is RFC 8252 §7.3, for
 * native apps only (`nativeClient`: public clients): a native app listening on a loopback address
 * gets an ephemeral port, so an http loopback URI matches a registered one with the same host,
 * path and query whatever the port of either. A confidential client is a server: it has a fixed
 * port, and any other local process must not be able to receive its codes.
 */
export function matchRedirectUri(registered: readonly string[], requested: string, opts: { nativeClient?: boolean } = {}): boolean {
  if (!requested || requested.length > URI_MAX_LENGTH || requested.includes("#")) return false;
  if (registered.includes(requested)) return true;
  if (!opts.nativeClient) return false;
  const req = withoutLoopbackPort(requested);
  if (req === null) return false;
  return registered.some((r) => withoutLoopbackPort(r) === req);
}

/** `http://127.0.0.1:8080/cb?x` -> `http://127.0.0.1/cb?x`; null when not an http loopback URI. */
function withoutLoopbackPort(uri: string): string | null {
  const m = LOOPBACK_PREFIX.exec(uri);
  if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) return null;
  return `http://${m[1]}${uri.slice(m[0].length)}`;
}
