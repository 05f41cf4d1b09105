// Great-circle distance (haversine, mean Earth radius) and how places read in a reason.
import type { GeoPoint } from "./risk.types";

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function placeName(p: GeoPoint): string {
  return p.city ? `${p.city}, ${p.country}` : p.country;
}

/** A stored assessment's place ("Madrid, ES"), or null when it had none. */
export function placeOf(row: { city: string | null; country: string | null }): string | null {
  return row.country ? placeName({ country: row.country, city: row.city ?? undefined, lat: 0, lon: 0 }) : null;
}

export function formatDuration(minutes: number): string {
  if (minutes < 90) return `${Math.max(1, Math.round(minutes))} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}
