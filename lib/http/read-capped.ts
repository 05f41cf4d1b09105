// A request body read no further than a limit: a declared Content-Length over it is refused unread,
// and a chunked body (no length declared) is cut off as soon as it passes it.
import "server-only";
import { readUpTo } from "@/lib/outbound";

/** The request body, or null when it is larger than `limit` bytes. */
export async function readCapped(request: Request, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (!(declared <= limit)) return null;
  return request.body ? readUpTo(request.body, limit) : Buffer.alloc(0);
}
