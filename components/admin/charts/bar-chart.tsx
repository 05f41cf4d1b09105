// A breakdown as horizontal bars, server-rendered SVG (role="img" with title and description),
// with the figures in a table beside it for assistive technology and text browsers.
import { DataTable } from "./data-table";
import { FILLS, formatCount } from "./palette";

export type Bar = { name: string; value: number };

const W = 640;
const ROW = 22;
const LABEL = 170;
const VALUE = 70;

export function BarChart({ id, title, description, bars, formatName = (n) => n }: { id: string; title: string; description: string; bars: Bar[]; formatName?: (name: string) => string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = W - LABEL - VALUE;
  const height = Math.max(1, bars.length) * ROW + 4;
  return (
    <figure className="mt-3">
      <svg viewBox={`0 0 ${W} ${height}`} className="h-auto w-full" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {description} {bars.length ? bars.map((b) => `${formatName(b.name)}: ${formatCount(b.value)}`).join("; ") : "No data in this range."}
        </desc>
        {bars.map((b, i) => (
          <g key={b.name} transform={`translate(0 ${i * ROW + 2})`}>
            <text x={LABEL - 8} y={14} textAnchor="end" className="fill-slate-700 text-[11px] dark:fill-slate-300">
              {formatName(b.name).slice(0, 28)}
            </text>
            <rect x={LABEL} y={3} height={ROW - 8} width={Math.max(b.value > 0 ? 2 : 0, (b.value / max) * plot)} rx={2} className={FILLS[0]} />
            <text x={LABEL + (b.value / max) * plot + 6} y={14} className="fill-slate-600 text-[11px] dark:fill-slate-400">
              {formatCount(b.value)}
            </text>
          </g>
        ))}
        {bars.length === 0 ? (
          <text x={LABEL} y={16} className="fill-slate-500 text-[11px]">
            No data in this range.
          </text>
        ) : null}
      </svg>
      <DataTable caption={title} columns={["", "Count"]} rows={bars.map((b) => [formatName(b.name), b.value])} />
    </figure>
  );
}
