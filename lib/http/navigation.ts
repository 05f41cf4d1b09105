// Only a top-level navigation may resume an authorization or be answered with a code. Background
// requests (Next's router prefetch and RSC fetches, the render Next runs after a server action's
// redirect, speculative prefetch/prerender, scripts) would consume the interaction and send a code
// nowhere, so the real navigation after them finds the request gone. Browsers say what a request is
// for (Fetch Metadata: Sec-Fetch-Mode, Sec-Fetch-Dest, Sec-Purpose); Next marks its own fetches
// (RSC, Next-Router-*, Next-Url, Next-Action). Clients that send none of these (servers, test
// relying parties, older browsers) are treated as navigations.
import "server-only";

const NEXT_INTERNAL_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-router-segment-prefetch", "next-url", "next-action"];
const FRAMES = new Set(["iframe", "frame"]);

/** `framed`: whether a navigation inside a frame counts (a silent prompt=none request may use one). */
export function isBackgroundRequest(headers: { get(name: string): string | null }, framed: boolean): boolean {
  if (NEXT_INTERNAL_HEADERS.some((h) => headers.get(h) !== null)) return true;
  const purpose = `${headers.get("sec-purpose") ?? ""} ${headers.get("purpose") ?? ""} ${headers.get("x-moz") ?? ""}`.toLowerCase();
  if (purpose.includes("prefetch") || purpose.includes("prerender")) return true;
  // Browsers send Sec-Fetch-Dest with Sec-Fetch-Mode; Node's fetch (undici) sends "Sec-Fetch-Mode:
  // cors" alone, and a server calling the endpoint is nobody's background request.
  const dest = headers.get("sec-fetch-dest");
  if (dest === null) return false;
  const mode = headers.get("sec-fetch-mode");
  if (mode !== null && mode !== "navigate") return true;
  return dest !== "document" && !(framed && FRAMES.has(dest));
}
