// Who is calling: the client IP and user agent, for throttling and the audit trail.
// The IP comes from `x-portico-client-ip`, which server.mjs sets from the socket and which no client
// can forge (server.mjs overwrites it). X-Forwarded-For is honoured only when TRUST_PROXY is set,
// and then only its last hop (the address our one trusted proxy saw).
import "server-only";
import { headers } from "next/headers";
import { config } from "@/lib/config";
import type { RequestContext } from "@/lib/audit";

export function clientIpFrom(h: { get(name: string): string | null }): string | undefined {
  if (config().TRUST_PROXY) {
    const hops = h.get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean);
    if (hops?.length) return normalizeIp(hops[hops.length - 1]!);
  }
  const direct = h.get("x-portico-client-ip");
  return direct ? normalizeIp(direct) : undefined;
}

function normalizeIp(ip: string): string {
  return ip.replace(/^::ffff:/, "").slice(0, 64);
}

export function contextFromHeaders(h: { get(name: string): string | null }): RequestContext {
  return { ip: clientIpFrom(h), userAgent: h.get("user-agent")?.slice(0, 512) ?? undefined };
}

export async function requestContext(): Promise<RequestContext> {
  return contextFromHeaders(await headers());
}
