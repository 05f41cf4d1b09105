// Who is calling: the client IP and user agent, for throttling and the audit trail.
// The IP comes from `x-portico-client-ip`, which server.mjs sets from the socket (overwriting what a
// client sent), and only when the request also carries server.mjs's per-process marker
// (server-marker.ts): without server.mjs (next start, next dev, serverless) the header could come from
// anyone, so it is ignored and the address is unknown. X-Forwarded-For is honoured only when
// TRUST_PROXY is set (a platform with its own proxy), and then only its last hop (the address our one
// trusted proxy saw).
import "server-only";
import { headers } from "next/headers";
import { config } from "@/lib/config";
import { normaliseIp } from "@/lib/formats";
import type { RequestContext } from "@/lib/audit";
import { CLIENT_IP_HEADER, cameThroughServer } from "./server-marker";

export function clientIpFrom(h: { get(name: string): string | null }): string | undefined {
  if (config().TRUST_PROXY) {
    const hops = h.get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean);
    if (hops?.length) return storedIp(hops[hops.length - 1]!);
  }
  const direct = cameThroughServer(h) ? h.get(CLIENT_IP_HEADER) : null;
  return direct ? storedIp(direct) : undefined;
}

/** The address as it is stored and compared: IPv4-mapped IPv6 as plain IPv4, at most 64 characters. */
function storedIp(ip: string): string {
  return normaliseIp(ip).slice(0, 64);
}

export function contextFromHeaders(h: { get(name: string): string | null }): RequestContext {
  return { ip: clientIpFrom(h), userAgent: h.get("user-agent")?.slice(0, 512) ?? undefined };
}

export async function requestContext(): Promise<RequestContext> {
  return contextFromHeaders(await headers());
}
