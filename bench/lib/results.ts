// bench/RESULTS.md holds one "## " section per benchmark; each benchmark rewrites only its own.
import fs from "node:fs";

export function replaceSection(file: string, heading: string, body: string): void {
  const section = `${heading}\n\n${body.trim()}\n`;
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, `# Benchmark results\n\nEach section is written by the script named in its heading.\n\n${section}`);
    return;
  }
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) {
    const text = lines.join("\n").replace(/\s*$/, "\n\n");
    fs.writeFileSync(file, text + section);
    return;
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const before = lines.slice(0, start).join("\n");
  const after = lines.slice(end).join("\n");
  fs.writeFileSync(file, `${before}${before ? "\n" : ""}${section}${after ? "\n" + after : ""}`.replace(/\n*$/, "\n"));
}

/** A markdown table; columns holding only numbers (or percentages) are right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  const numeric = (i: number) => rows.every((r) => /^-?[\d.]+%?$|^n\/a$/.test(String(r[i])));
  return [line(header), line(header.map((_, i) => (numeric(i) ? "---:" : "---"))), ...rows.map(line)].join("\n");
}

/** Fixed decimals, but "n/a" for NaN/Infinity (e.g. a window with no sign-ins). */
export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}
