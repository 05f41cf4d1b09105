// The client address is taken from `x-portico-client-ip` only when server.mjs set it: its per-process
// marker must come with it. Without server.mjs (next start, next dev, serverless) anyone could send
// that header and pick the address the throttles, deny lists and geo-velocity see.
import { afterEach, describe, expect, it } from "vitest";
import { reloadConfig } from "@/lib/config";
import { clientIpFrom } from "./request-context";
import { SERVER_MARKER_HEADER, registerServerMarker } from "./server-marker";

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

afterEach(() => {
  registerServerMarker(undefined);
  delete process.env.TRUST_PROXY;
  reloadConfig();
});

describe("clientIpFrom", () => {
  it("ignores a forged x-portico-client-ip when the request did not come through server.mjs", () => {
    expect(clientIpFrom(headers({ "x-portico-client-ip": "203.0.113.9" }))).toBeUndefined();
  });

  it("ignores it when the marker is missing or wrong, even with server.mjs running", () => {
    registerServerMarker("a".repeat(43));
    expect(clientIpFrom(headers({ "x-portico-client-ip": "203.0.113.9" }))).toBeUndefined();
    expect(clientIpFrom(headers({ "x-portico-client-ip": "203.0.113.9", [SERVER_MARKER_HEADER]: "b".repeat(43) }))).toBeUndefined();
    expect(clientIpFrom(headers({ "x-portico-client-ip": "203.0.113.9", [SERVER_MARKER_HEADER]: "a" }))).toBeUndefined();
  });

  it("takes the socket address server.mjs set along with its marker", () => {
    registerServerMarker("a".repeat(43));
    expect(clientIpFrom(headers({ "x-portico-client-ip": "::ffff:198.51.100.7", [SERVER_MARKER_HEADER]: "a".repeat(43) }))).toBe("198.51.100.7");
  });

  it("with TRUST_PROXY, takes the last X-Forwarded-For hop (the platform's proxy), marker or not", () => {
    process.env.TRUST_PROXY = "1";
    reloadConfig();
    expect(clientIpFrom(headers({ "x-forwarded-for": "10.0.0.1, 192.0.2.4", "x-portico-client-ip": "203.0.113.9" }))).toBe("192.0.2.4");
  });
});
