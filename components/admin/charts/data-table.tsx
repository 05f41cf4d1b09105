// The figures behind a chart as a table: what a screen reader, a text browser or a copy-paste gets.
export function DataTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Data table</summary>
      <div className="mt-2 max-h-72 overflow-auto">
        <table className="min-w-full text-left">
          <caption className="sr-only">{caption}</caption>
          <thead className="text-slate-500">
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col" className="py-1 pr-4 font-medium">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
                {r.map((v, j) =>
                  j === 0 ? (
                    <th key={j} scope="row" className="py-1 pr-4 font-normal whitespace-nowrap">
                      {v}
                    </th>
                  ) : (
                    <td key={j} className="py-1 pr-4 tabular-nums">
                      {typeof v === "number" ? v.toLocaleString("en-US") : v}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
