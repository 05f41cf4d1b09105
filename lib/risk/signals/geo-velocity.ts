// Impossible travel: the distance from the last successful sign-in over the time since is faster
// than an airliner. The locations come from the offline geo-IP database (city level).
import { distanceKm, formatDuration, placeName } from "../geo";
import type { RiskSettings } from "../risk-settings";
import type { Signal, SignInFacts } from "../risk.types";

export function geoVelocity(facts: SignInFacts, settings: RiskSettings): Signal | null {
  const from = facts.previous?.geo;
  if (!from || !facts.geo || !facts.previous) return null;
  const km = distanceKm(from, facts.geo);
  if (km < settings.minTravelKm) return null;
  // A sign-in in the same second from elsewhere counts as one minute: the speed stays finite.
  const minutes = Math.max(1, (facts.at.getTime() - facts.previous.at.getTime()) / 60_000);
  const kmh = km / (minutes / 60);
  if (kmh <= settings.impossibleTravelKmh) return null;
  return {
    code: "impossible_travel",
    score: settings.scores.impossible_travel,
    reason: `impossible travel from ${placeName(from)} to ${placeName(facts.geo)}: ${Math.round(km).toLocaleString("en-US")} km in ${formatDuration(minutes)}`,
  };
}
