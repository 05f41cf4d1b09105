// A legal document's body from its parsed Markdown subset (lib/legal/markdown.ts): React elements
// only, so nothing the administrator typed is ever HTML.
import type { ReactNode } from "react";
import type { Block, Inline } from "@/lib/legal";

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.type) {
      case "text":
        return n.text;
      case "strong":
        return <strong key={i}>{inline(n.children)}</strong>;
      case "em":
        return <em key={i}>{inline(n.children)}</em>;
      case "link":
        return (
          <a key={i} href={n.href} rel="noopener noreferrer nofollow" className="text-indigo-600 underline dark:text-indigo-400">
            {inline(n.children)}
          </a>
        );
    }
  });
}

export function LegalDocumentBody({ blocks }: { blocks: Block[] }) {
  return (
    <div className="space-y-3 text-sm leading-6 text-slate-700 dark:text-slate-300" data-testid="legal-body">
      {blocks.map((b, i) => {
        switch (b.type) {
          case "heading": {
            const Tag = `h${b.level}` as "h2" | "h3" | "h4";
            return (
              <Tag key={i} className="pt-2 font-semibold text-slate-900 dark:text-white">
                {inline(b.children)}
              </Tag>
            );
          }
          case "paragraph":
            return <p key={i}>{inline(b.children)}</p>;
          case "list": {
            const items = b.items.map((item, j) => <li key={j}>{inline(item)}</li>);
            return b.ordered ? (
              <ol key={i} className="list-decimal space-y-1 pl-5">
                {items}
              </ol>
            ) : (
              <ul key={i} className="list-disc space-y-1 pl-5">
                {items}
              </ul>
            );
          }
        }
      })}
    </div>
  );
}
