// docs/events.md is the catalogue integrators read: every type of lib/events/catalog.ts has its
// section there, and the page names no type the catalogue does not have.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IDENTITY_EVENT_TYPES } from "./catalog";

const page = fs.readFileSync(path.resolve(__dirname, "../../docs/events.md"), "utf8");
const sections = [...page.matchAll(/^### `([a-z_.]+)`$/gm)].map((m) => m[1]!);

describe("docs/events.md", () => {
  it.each(IDENTITY_EVENT_TYPES)("describes %s", (type) => {
    expect(sections).toContain(type);
  });

  it("describes no type the catalogue lacks, each once", () => {
    expect(sections.filter((s) => !(IDENTITY_EVENT_TYPES as string[]).includes(s))).toEqual([]);
    expect(new Set(sections).size).toBe(sections.length);
  });
});
