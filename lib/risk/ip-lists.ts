// The administrator's deny and allow lists of addresses and CIDR ranges (IPv4 and IPv6, plus the
// deployment's RISK_ALLOW_NETWORKS), matched
// with node's BlockList. Each node keeps the lists in memory and reloads them every 10 seconds (and
// at once after a change, on every node sharing Redis), so a sign-in costs no query for them.
import "server-only";
import net from "node:net";
import { config } from "@/lib/config";
import { normaliseIp } from "@/lib/formats";
import { processCache } from "@/lib/process";
import { listIpEntries } from "./risk.repo";

const RELOAD_MS = 10_000;

/** "192.0.2.7" -> "192.0.2.7/32"; "2001:DB8::/32" -> "2001:db8::/32"; anything else -> null. */
export function normaliseCidr(input: string): string | null {
  const [rawAddress, rawPrefix, ...rest] = input.trim().split("/");
  if (rest.length || !rawAddress) return null;
  const address = normaliseIp(rawAddress);
  const family = net.isIP(address);
  if (family === 0) return null;
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = rawPrefix === undefined ? maxPrefix : /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) : NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix)) return null;
  // The socket address's own formatting: lower case, IPv6 compressed.
  const canonical = new net.SocketAddress({ address, family: family === 4 ? "ipv4" : "ipv6" }).address;
  return `${canonical}/${prefix}`;
}

function blockListOf(cidrs: string[]): net.BlockList {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split("/");
    list.addSubnet(address!, Number(prefix), net.isIP(address!) === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

type Lists = { deny: net.BlockList; allow: net.BlockList };

// Process-wide (lib/process): a change forgets them in every bundle of this node, and on every node sharing Redis.
const listCache = processCache<Lists>("risk.ipLists", { ttlMs: RELOAD_MS, load: loadLists });

async function loadLists(): Promise<Lists> {
  const entries = await listIpEntries();
  return {
    deny: blockListOf(entries.filter((e) => e.list === "deny").map((e) => e.cidr)),
    // The deployment's own trusted networks (RISK_ALLOW_NETWORKS) join the administrator's.
    allow: blockListOf([...entries.filter((e) => e.list === "allow").map((e) => e.cidr), ...config().RISK_ALLOW_NETWORKS.map(normaliseCidr).filter((c): c is string => c !== null)]),
  };
}

/** The lists changed: forget them here and on every node. */
export function forgetIpListCache(): void {
  listCache.invalidate();
}

/** Which list the address is on; deny wins over allow. */
export async function ipListOf(ip: string | null | undefined): Promise<"deny" | "allow" | null> {
  if (!ip) return null;
  const address = normaliseIp(ip);
  const family = net.isIP(address);
  if (family === 0) return null;
  const type = family === 4 ? "ipv4" : "ipv6";
  const { deny, allow } = await listCache.get();
  if (deny.check(address, type)) return "deny";
  return allow.check(address, type) ? "allow" : null;
}
