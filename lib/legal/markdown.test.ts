import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown } from "./markdown";

describe("the legal Markdown subset", () => {
  it("parses headings, paragraphs and lists", () => {
    expect(parseMarkdown("# Terms\n\nFirst line\nsame paragraph.\n\n- one\n- two\n\n1. a\n2. b")).toEqual([
      { type: "heading", level: 2, children: [{ type: "text", text: "Terms" }] },
      { type: "paragraph", children: [{ type: "text", text: "First line same paragraph." }] },
      { type: "list", ordered: false, items: [[{ type: "text", text: "one" }], [{ type: "text", text: "two" }]] },
      { type: "list", ordered: true, items: [[{ type: "text", text: "a" }], [{ type: "text", text: "b" }]] },
    ]);
  });

  it("keeps HTML as text and refuses links that are not http(s) or mailto", () => {
    expect(parseMarkdown("<script>alert(1)</script>")).toEqual([{ type: "paragraph", children: [{ type: "text", text: "<script>alert(1)</script>" }] }]);
    expect(parseInline("[x](javascript:alert(1))")).toEqual([{ type: "text", text: "[x](javascript:alert(1))" }]);
    expect(parseInline("see **[our site](https://example.com)** and *this*")).toEqual([
      { type: "text", text: "see " },
      { type: "strong", children: [{ type: "link", href: "https://example.com", children: [{ type: "text", text: "our site" }] }] },
      { type: "text", text: " and " },
      { type: "em", children: [{ type: "text", text: "this" }] },
    ]);
  });

  it("parses an unclosed bracket or star repeated over a long document as text (linear, not quadratic)", () => {
    const brackets = "[".repeat(200_000);
    expect(parseInline(brackets)).toEqual([{ type: "text", text: brackets }]);
    const stars = "*a".repeat(100_000);
    expect(parseInline(stars).length).toBeGreaterThan(1);
  });

  it("does not make a link of a text longer than 500 characters", () => {
    const long = "x".repeat(501);
    expect(parseInline(`[${long}](https://example.com)`)).toEqual([{ type: "text", text: `[${long}](https://example.com)` }]);
    expect(parseInline(`[${"x".repeat(500)}](https://example.com)`)[0]).toMatchObject({ type: "link" });
  });
});
