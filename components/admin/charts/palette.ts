// Series colours (Tailwind classes, so dark mode and the scanner see them), in a fixed order.
export const STROKES = ["stroke-sky-600", "stroke-amber-500", "stroke-emerald-600", "stroke-rose-600", "stroke-violet-600", "stroke-slate-500", "stroke-teal-500", "stroke-orange-700"];
export const FILLS = ["fill-sky-600", "fill-amber-500", "fill-emerald-600", "fill-rose-600", "fill-violet-600", "fill-slate-500", "fill-teal-500", "fill-orange-700"];

/** A round upper bound for an axis (1, 2, 5 × 10^n) at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * step).find((v) => v >= max) ?? 10 * step);
}

export const formatCount = (n: number) => new Intl.NumberFormat("en-US").format(n);
