// Which IP addresses and host names an outbound request may reach (SSRF guard). Pure functions:
// safe-fetch.ts applies them when a name is resolved (connect time) and to literal addresses.
// Ranges: RFC 6890 special-purpose registries, RFC 6598 (CGNAT), RFC 4193 (unique local),
// RFC 4291 §2.5.5 (IPv4-mapped), RFC 6052 (NAT64), RFC 3056 (6to4), RFC 6761 (.localhost).
import net from "node:net";

export type AddressClass = "public" | "loopback" | "private" | "link_local" | "metadata" | "multicast" | "unspecified" | "reserved";

export interface AddressPolicy {
  /** 127/8 and ::1 (development and tests with local stand-in servers). */
  allowLoopback: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10 and fc00::/7 (a gateway inside the deployment's own network). */
  allowPrivate: boolean;
}

export const STRICT_POLICY: AddressPolicy = { allowLoopback: false, allowPrivate: false };

// Cloud instance metadata services: never reachable, whatever the settings say.
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254", "fd00:ec2:0:0:0:0:0:254"]);
const METADATA_NAMES = new Set(["metadata", "metadata.google.internal", "metadata.goog", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal"]);

function blockList(type: "ipv4" | "ipv6", ranges: [string, number][]): net.BlockList {
  const list = new net.BlockList();
  for (const [prefix, bits] of ranges) list.addSubnet(prefix, bits, type);
  return list;
}

const V4: [AddressClass, net.BlockList][] = [
  ["unspecified", blockList("ipv4", [["0.0.0.0", 8]])],
  ["loopback", blockList("ipv4", [["127.0.0.0", 8]])],
  ["private", blockList("ipv4", [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["100.64.0.0", 10]])],
  ["link_local", blockList("ipv4", [["169.254.0.0", 16]])],
  ["multicast", blockList("ipv4", [["224.0.0.0", 4]])],
  // IETF protocol assignments, documentation, benchmarking, 240/4 (incl. broadcast).
  ["reserved", blockList("ipv4", [["192.0.0.0", 24], ["192.0.2.0", 24], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["240.0.0.0", 4]])],
];

const V6: [AddressClass, net.BlockList][] = [
  ["unspecified", blockList("ipv6", [["::", 128]])],
  ["loopback", blockList("ipv6", [["::1", 128]])],
  ["private", blockList("ipv6", [["fc00::", 7]])],
  ["link_local", blockList("ipv6", [["fe80::", 10]])],
  ["multicast", blockList("ipv6", [["ff00::", 8]])],
  // Deprecated site-local, documentation, discard-only.
  ["reserved", blockList("ipv6", [["fec0::", 10], ["2001:db8::", 32], ["100::", 64]])],
];

/** The 16 bytes of an IPv6 address (any textual form, including a trailing dotted quad). */
function ipv6Bytes(ip: string): number[] {
  let text = ip.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, -quad[0].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill("0");
  const groups = [...headGroups, ...zeros, ...tailGroups].map((g) => parseInt(g, 16) || 0);
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** An IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4), or null. */
function embeddedIpv4(bytes: number[]): string | null {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = (at: number) => bytes.slice(at, at + 4).join(".");
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4(12); // ::ffff:a.b.c.d
  if (zero(0, 12) && !zero(12, 16) && !(zero(12, 15) && bytes[15] === 1)) return v4(12); // ::a.b.c.d (deprecated)
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12)) return v4(12); // 64:ff9b::/96
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(2); // 2002::/16
  return null;
}

/** What kind of address `ip` is; "reserved" for anything that is not an IP address at all. */
export function classifyAddress(ip: string): AddressClass {
  const family = net.isIP(ip);
  if (family === 4) {
    if (METADATA_ADDRESSES.has(ip)) return "metadata";
    return V4.find(([, list]) => list.check(ip, "ipv4"))?.[0] ?? "public";
  }
  if (family === 6) {
    const bytes = ipv6Bytes(ip);
    const v4 = embeddedIpv4(bytes);
    if (v4) return classifyAddress(v4);
    const canonical = bytes.reduce<string[]>((g, b, i) => (i % 2 ? g : [...g, ((b << 8) | (bytes[i + 1] ?? 0)).toString(16)]), []).join(":");
    if (METADATA_ADDRESSES.has(canonical)) return "metadata";
    return V6.find(([, list]) => list.check(canonical, "ipv6"))?.[0] ?? "public";
  }
  return "reserved";
}

export function isAllowedClass(cls: AddressClass, policy: AddressPolicy): boolean {
  if (cls === "public") return true;
  if (cls === "loopback") return policy.allowLoopback;
  if (cls === "private") return policy.allowPrivate;
  return false;
}

/** Why `ip` may not be reached under `policy`, or null when it may. */
export function refusedAddressReason(ip: string, policy: AddressPolicy): string | null {
  const cls = classifyAddress(ip);
  return isAllowedClass(cls, policy) ? null : `${cls.replace("_", "-")} address ${ip}`;
}

/**
 * Why a host name may not even be looked up, or null. Literal addresses are judged as addresses;
 * `localhost` and `*.localhost` always mean loopback (RFC 6761 §6.3); metadata names are refused.
 */
export function refusedHostReason(hostname: string, policy: AddressPolicy): string | null {
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (net.isIP(host)) return refusedAddressReason(host, policy);
  if (METADATA_NAMES.has(host)) return `metadata host ${host}`;
  if ((host === "localhost" || host.endsWith(".localhost")) && !policy.allowLoopback) return `loopback host ${host}`;
  if (!host) return "empty host";
  return null;
}

/**
 * Whether a URL's host is this machine or a private network: `localhost` (RFC 6761 §6.3) or a
 * loopback or private address literal. Plain http is accepted only to such a host, where the
 * outbound policy lets Portico reach it (development, a receiver inside the deployment).
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (net.isIP(host) === 0) return false;
  const kind = classifyAddress(host);
  return kind === "loopback" || kind === "private";
}
