"use client";
// Shows a just-issued secret once: selectable, copyable, and plainly marked as not shown again.
import { useState, type ReactNode } from "react";

export function CopyableValue({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
          data-testid={id}
          className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100"
        />
        <button
          type="button"
          onClick={copy}
          className="shrink-0 rounded-lg px-3 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800"
        >
          Copy
        </button>
      </div>
      <p aria-live="polite" className="text-xs text-slate-500 dark:text-slate-400">
        {copied === "yes" ? "Copied to the clipboard." : copied === "failed" ? "Copying failed: select the text and copy it yourself." : ""}
      </p>
    </div>
  );
}

export function SecretBox({ title, label, secret, id, children }: { title: string; label: string; secret: string; id: string; children?: ReactNode }) {
  return (
    <div role="status" className="space-y-3 rounded-xl border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50">
      <p className="font-semibold">{title}</p>
      <p className="text-sm">
        <strong>Copy it now: you will not see it again.</strong> Portico keeps only a hash of it. If it is lost, issue a new one.
      </p>
      <CopyableValue label={label} value={secret} id={id} />
      {children}
    </div>
  );
}
