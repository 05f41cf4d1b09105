// A request body read no further than a limit: a declared Content-Length over it is refused unread,
// and a chunked body (no length declared) is cut off as soon as it passes it.
import "server-only";

/** The request body, or null when it is larger than `limit` bytes. */
export async function readCapped(request: Request, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (!(declared <= limit)) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
