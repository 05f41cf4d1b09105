// The Markdown subset legal documents are written in, parsed into a tree that pages render as React
// elements: no raw HTML ever reaches the page (a "<" is text), and links are http(s) or mailto only.
// Blocks: paragraphs (blank-line separated), headings ("#", "##", "###"), bulleted ("- ", "* ") and
// numbered ("1. ") lists. Inline: **strong**, *emphasis*, [text](https://…).

export type Inline = { type: "text"; text: string } | { type: "strong"; children: Inline[] } | { type: "em"; children: Inline[] } | { type: "link"; href: string; children: Inline[] };
export type Block = { type: "heading"; level: 2 | 3 | 4; children: Inline[] } | { type: "paragraph"; children: Inline[] } | { type: "list"; ordered: boolean; items: Inline[][] };

const SAFE_HREF = /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i;

// Bounded spans: a strong or emphasised run, a link's text and its address have a maximum length,
// and each form is tried only where it can start, so a paragraph is parsed in linear time (an
// unclosed "[" or "*" repeated over a whole document must not cost time quadratic in its length).
const STRONG = /\*\*([^*]{1,1000})\*\*/y;
const EM = /\*([^*]{1,1000})\*/y;
const LINK = /\[([^\]]{1,500})\]\(([^)\s]{1,2000})\)/y;
const MAX_LINK_TEXT = 500;

function matchAt(re: RegExp, text: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(text);
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plainFrom = 0;
  const flush = (to: number) => {
    if (to > plainFrom) out.push({ type: "text", text: text.slice(plainFrom, to) });
  };
  // The next "]" at or after i (-1: none left), found once and reused until passed.
  let close = -2;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    let m: RegExpExecArray | null = null;
    let node: Inline | null = null;
    if (c === "*") {
      if ((m = matchAt(STRONG, text, i))) node = { type: "strong", children: parseInline(m[1]!) };
      else if ((m = matchAt(EM, text, i))) node = { type: "em", children: parseInline(m[1]!) };
    } else if (c === "[") {
      if (close !== -1 && close < i) close = text.indexOf("]", i);
      if (close !== -1 && close - i <= MAX_LINK_TEXT + 1 && text[close + 1] === "(" && (m = matchAt(LINK, text, i)) && SAFE_HREF.test(m[2]!)) {
        node = { type: "link", href: m[2]!, children: parseInline(m[1]!) };
      }
    }
    if (node && m) {
      flush(i);
      out.push(node);
      i += m[0].length;
      plainFrom = i;
      continue;
    }
    i++;
  }
  flush(text.length);
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ type: "paragraph", children: parseInline(paragraph.join(" ")) });
    paragraph = [];
  };
  const endList = () => {
    if (list) blocks.push({ type: "list", ordered: list.ordered, items: list.items.map(parseInline) });
    list = null;
  };
  for (const raw of source.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.+)$/.exec(line);
    const bullet = /^[-*]\s+(.+)$/.exec(line);
    const numbered = /^\d{1,3}[.)]\s+(.+)$/.exec(line);
    if (!line) {
      endParagraph();
      endList();
    } else if (heading) {
      endParagraph();
      endList();
      blocks.push({ type: "heading", level: (heading[1]!.length + 1) as 2 | 3 | 4, children: parseInline(heading[2]!) });
    } else if (bullet || numbered) {
      endParagraph();
      const ordered = Boolean(numbered);
      if (list && list.ordered !== ordered) endList();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else {
      endList();
      paragraph.push(line);
    }
  }
  endParagraph();
  endList();
  return blocks;
}
