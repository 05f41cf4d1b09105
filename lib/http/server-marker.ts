// Proof that a request came through server.mjs: it generates a random marker per process, hands it
// over before Next starts (setServerMarker in ./process-handshake.mjs, which server.mjs imports too),
// and stamps every request with it (after overwriting CLIENT_IP_HEADER with the socket's address).
// A client cannot guess the marker, so a request that carries CLIENT_IP_HEADER without it (next
// start, next dev, serverless, a forged header) is not believed. No Node-only imports: proxy.ts uses it too.
import { CLIENT_IP_HEADER, SERVER_MARKER_HEADER, serverMarker, setServerMarker } from "./process-handshake.mjs";

export { CLIENT_IP_HEADER, SERVER_MARKER_HEADER };

/** server.mjs sets it (tests too); undefined when Portico runs without server.mjs. */
export function registerServerMarker(marker: string | undefined): void {
  setServerMarker(marker);
}

/** True when the request carries this process's marker (compared in constant time). */
export function cameThroughServer(h: { get(name: string): string | null }): boolean {
  const expected = serverMarker();
  const got = h.get(SERVER_MARKER_HEADER);
  if (!expected || expected.length < 32 || !got || got.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ got.charCodeAt(i);
  return diff === 0;
}
