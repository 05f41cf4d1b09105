import "server-only";
import { config } from "@/lib/config";

/** Absolute links for mail, built on PORTICO_URL (never on a request's Host header). */
export function publicLink(path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, config().publicUrl + "/");
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
