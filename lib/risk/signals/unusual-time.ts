// Unusual time of day: the smallest stretch of the 24-hour clock that holds `coverage` of the
// account's past sign-ins (it may wrap past midnight), widened by an hour on each side; a sign-in
// outside it is unusual. Someone who signs in between 21:00 and 23:00 UTC nine times in ten is
// unusual at 02:30.
import type { RiskSettings } from "../risk-settings";
import type { Signal, SignInFacts } from "../risk.types";

const SLACK_HOURS = 1;

/** [start, length] in hours of the shortest arc covering `k` of the sorted hours. */
export function usualHours(hours: number[], coverage: number): { start: number; length: number } {
  const sorted = [...hours].sort((a, b) => a - b);
  const n = sorted.length;
  const k = Math.max(1, Math.ceil(n * coverage));
  let best = { start: sorted[0] ?? 0, length: 24 };
  for (let i = 0; i < n; i++) {
    const j = i + k - 1;
    const end = j < n ? sorted[j]! : sorted[j - n]! + 24;
    const length = end - sorted[i]!;
    if (length < best.length) best = { start: sorted[i]!, length };
  }
  return best;
}

function insideArc(hour: number, arc: { start: number; length: number }): boolean {
  return (((hour - arc.start) % 24) + 24) % 24 <= arc.length;
}

const hhmm = (h: number) => {
  const m = Math.round((((h % 24) + 24) % 24) * 60);
  return `${String(Math.floor(m / 60) % 24).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
};

export function hourOfDayUtc(d: Date): number {
  return d.getUTCHours() + d.getUTCMinutes() / 60;
}

export function unusualTime(facts: SignInFacts, settings: RiskSettings): Signal | null {
  if (facts.hourHistory.length < settings.unusualTimeMinHistory) return null;
  const arc = usualHours(facts.hourHistory, settings.unusualTimeCoverage);
  const widened = { start: arc.start - SLACK_HOURS, length: arc.length + 2 * SLACK_HOURS };
  if (widened.length >= 24) return null;
  const now = hourOfDayUtc(facts.at);
  if (insideArc(now, widened)) return null;
  return {
    code: "unusual_time",
    score: settings.scores.unusual_time,
    reason: `unusual time: ${hhmm(now)} UTC, while ${Math.round(settings.unusualTimeCoverage * 100)} % of sign-ins are between ${hhmm(arc.start)} and ${hhmm(arc.start + arc.length)} UTC`,
  };
}
