import { describe, expect, it } from "vitest";
import { readCapped } from "./read-capped";

/** A chunked body (no Content-Length) of `chunks` chunks of `size` bytes; counts how many were pulled. */
function chunkedRequest(chunks: number, size: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled += 1;
      controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
  const request = new Request("http://localhost/x", { method: "POST", body, duplex: "half" } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("readCapped", () => {
  it("returns a body within the limit whole", async () => {
    const { request } = chunkedRequest(3, 100);
    expect((await readCapped(request, 300))?.length).toBe(300);
  });

  it("stops reading a chunked body as soon as it passes the limit", async () => {
    const { request, pulled } = chunkedRequest(1000, 1000);
    expect(await readCapped(request, 5000)).toBeNull();
    expect(pulled()).toBeLessThan(10);
  });

  it("refuses a declared length over the limit without reading", async () => {
    const request = new Request("http://localhost/x", { method: "POST", body: "a".repeat(20), headers: { "content-length": "20" } });
    expect(await readCapped(request, 10)).toBeNull();
    expect(request.bodyUsed).toBe(false);
  });
});
