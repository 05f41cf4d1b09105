// Where a console request came from, for the route handlers that act on the administrator's session
// cookie outside server actions (which Next checks itself). A form POST must come from this origin
// (its Origin header); a download that writes an audit event or runs a long query must not be
// started by another site (a link or an <img> elsewhere would send the session cookie along with a
// top-level GET under SameSite=Lax).
import "server-only";
import { config } from "@/lib/config";

/** Same origin as the console: the Origin header (Fetch §3.2) is sent with every form POST by current browsers. */
export function isSameOriginPost(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const own = new Set([new URL(config().publicUrl).origin]);
  const host = request.headers.get("host");
  if (host) own.add(`${new URL(request.url).protocol}//${host}`);
  return own.has(origin);
}

/**
 * Started by another site (Fetch Metadata Request Headers §2.1, Sec-Fetch-Site "cross-site" or
 * "same-site": a sibling host is another site to the console too). A request without the header
 * (a script, an older browser) or typed in the address bar ("none") is not.
 */
export function isCrossSiteRequest(headers: { get(name: string): string | null }): boolean {
  const site = headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}
