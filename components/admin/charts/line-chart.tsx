// A time series as server-rendered SVG: one line per series, no client script. The SVG is an
// image with a title and a description (role="img"); the data table below carries the figures.
import { DataTable } from "./data-table";
import { formatCount, niceMax, STROKES, FILLS } from "./palette";

export type ChartSeries = { name: string; values: number[] };

const W = 640;
const H = 180;
const LEFT = 48;
const RIGHT = 8;
const TOP = 8;
const BOTTOM = 22;

export function LineChart({ id, title, description, labels, series, formatLabel = (l) => l }: { id: string; title: string; description: string; labels: string[]; series: ChartSeries[]; formatLabel?: (label: string) => string }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const x = (i: number) => LEFT + (labels.length > 1 ? (i * plotW) / (labels.length - 1) : plotW / 2);
  const y = (v: number) => TOP + plotH - (v / max) * plotH;
  const ticks = [0, max / 2, max];
  const shown = labels.length > 2 ? [0, Math.floor((labels.length - 1) / 2), labels.length - 1] : labels.map((_, i) => i);
  const total = (s: ChartSeries) => s.values.reduce((a, b) => a + b, 0);
  return (
    <figure className="mt-3">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {description} {series.length ? series.map((s) => `${s.name}: ${formatCount(total(s))} in all`).join("; ") : "No data in this range."}
        </desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={LEFT} x2={W - RIGHT} y1={y(t)} y2={y(t)} className="stroke-slate-200 dark:stroke-slate-700" strokeWidth={1} />
            <text x={LEFT - 6} y={y(t) + 4} textAnchor="end" className="fill-slate-500 text-[10px]">
              {formatCount(t)}
            </text>
          </g>
        ))}
        {shown.map((i) => (
          <text key={i} x={x(i)} y={H - 6} textAnchor={i === 0 ? "start" : i === labels.length - 1 ? "end" : "middle"} className="fill-slate-500 text-[10px]">
            {formatLabel(labels[i]!)}
          </text>
        ))}
        {series.map((s, k) =>
          labels.length === 1 ? (
            <circle key={s.name} cx={x(0)} cy={y(s.values[0] ?? 0)} r={3} className={FILLS[k % FILLS.length]} />
          ) : (
            <polyline key={s.name} fill="none" strokeWidth={2} strokeLinejoin="round" className={STROKES[k % STROKES.length]} points={s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")} />
          ),
        )}
      </svg>
      <figcaption>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
          {series.map((s, k) => (
            <li key={s.name} className="flex items-center gap-1">
              <svg width="12" height="4" aria-hidden="true">
                <rect width="12" height="4" className={FILLS[k % FILLS.length]} />
              </svg>
              {s.name} ({formatCount(total(s))})
            </li>
          ))}
          {series.length === 0 ? <li>No data in this range.</li> : null}
        </ul>
      </figcaption>
      <DataTable caption={title} columns={["", ...series.map((s) => s.name)]} rows={labels.map((l, i) => [formatLabel(l), ...series.map((s) => s.values[i] ?? 0)])} />
    </figure>
  );
}
