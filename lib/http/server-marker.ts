// Proof that a request came through server.mjs: it generates a random marker per process, puts it on
// globalThis before Next starts, and stamps every request with it (after overwriting
// `x-portico-client-ip` with the socket's address). A client cannot guess the marker, so a request
// that carries `x-portico-client-ip` without it (next start, next dev, serverless, a forged header)
// is not believed. No Node-only imports: proxy.ts uses it too.
const MARKER_KEY = Symbol.for("portico.serverMarker");

export const SERVER_MARKER_HEADER = "x-portico-server-marker";
export const CLIENT_IP_HEADER = "x-portico-client-ip";

type Holder = { [MARKER_KEY]?: string };

/** server.mjs sets it (tests too); undefined when Portico runs without server.mjs. */
export function registerServerMarker(marker: string | undefined): void {
  (globalThis as Holder)[MARKER_KEY] = marker;
}

/** True when the request carries this process's marker (compared in constant time). */
export function cameThroughServer(h: { get(name: string): string | null }): boolean {
  const expected = (globalThis as Holder)[MARKER_KEY];
  const got = h.get(SERVER_MARKER_HEADER);
  if (!expected || expected.length < 32 || !got || got.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ got.charCodeAt(i);
  return diff === 0;
}
