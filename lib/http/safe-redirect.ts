// Open-redirect guard: after sign-in we only ever go to a path on this site.
export function safeNextPath(next: string | null | undefined, fallback = "/account"): string {
  if (!next || next.length > 2000) return fallback;
  // A single leading slash, not "//host" or "/\host" (browsers treat both as another origin).
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(next)) return fallback;
  return next;
}
