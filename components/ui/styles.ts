// Class names the signed-in pages share (Tailwind scans this file like any other source).

/** A white panel with a border: cards, tables, lists. Add the padding that suits the content. */
export const surface = "rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900";

/** A table inside a surface that scrolls sideways on narrow screens. */
export const tableFrame = `overflow-x-auto ${surface}`;

/** A quiet bordered button beside the page's main one. */
export const secondaryButton = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800";

/** The smallest bordered button (inside table rows). */
export const smallButton = "rounded-md px-2 py-1 text-xs font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800";
