// The charts are images with a name and a description, and carry their figures as a table: what a
// screen reader or a browser without SVG gets. Server-rendered markup, no script.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart } from "./bar-chart";
import { LineChart } from "./line-chart";
import { niceMax } from "./palette";

describe("LineChart", () => {
  const html = renderToStaticMarkup(
    createElement(LineChart, { id: "t", title: "Sign-ins", description: "Per day.", labels: ["2026-03-28", "2026-03-29", "2026-03-30"], series: [{ name: "password", values: [1, 2, 1] }, { name: "passkey", values: [0, 5, 0] }] }),
  );

  it("is an image labelled by its title and description, with each series' total", () => {
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="t-title t-desc"/);
    expect(html).toContain('<title id="t-title">Sign-ins</title>');
    expect(html).toMatch(/<desc id="t-desc">Per day\. password: 4 in all; passkey: 5 in all<\/desc>/);
    expect(html.match(/<polyline/g)).toHaveLength(2);
    expect(html).not.toContain("<script");
  });

  it("has the figures as a table, one row per bucket", () => {
    expect(html).toContain("<caption class=\"sr-only\">Sign-ins</caption>");
    expect(html).toMatch(/<th scope="row"[^>]*>2026-03-29<\/th><td[^>]*>2<\/td><td[^>]*>5<\/td>/);
  });

  it("says so when there is nothing to draw", () => {
    const empty = renderToStaticMarkup(createElement(LineChart, { id: "e", title: "Nothing", description: "Per day.", labels: ["2026-01-01"], series: [] }));
    expect(empty).toContain("No data in this range.");
  });
});

describe("BarChart", () => {
  it("draws a bar per item, longest for the largest, and lists them in its description and table", () => {
    const html = renderToStaticMarkup(createElement(BarChart, { id: "b", title: "Countries", description: "Totals.", bars: [{ name: "FR", value: 10 }, { name: "DE", value: 5 }] }));
    const widths = [...html.matchAll(/<rect x="170" y="3" height="14" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeGreaterThan(widths[1]!);
    expect(html).toContain("FR: 10; DE: 5");
    expect(html).toMatch(/<th scope="row"[^>]*>DE<\/th><td[^>]*>5<\/td>/);
  });
});

it("axes end at a round number at or above the largest value", () => {
  expect([0, 1, 3, 7, 12, 180, 999].map(niceMax)).toEqual([1, 1, 5, 10, 20, 200, 1000]);
});
