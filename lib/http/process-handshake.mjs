// What server.mjs and the app hand each other inside one Node process, and the only place that
// knows where it is kept. server.mjs is plain Node ESM that runs before Next has compiled lib/, and
// Next loads lib/ into bundles of its own: a variable in this module would be a different copy on
// each side. So the values live on globalThis, under the Symbol.for keys below, and both sides
// read and write them only through these functions:
//   server.mjs               setServerMarker (at start), fastPath (per request), the two headers
//   lib/http/server-marker.ts  serverMarker (checks the stamp), the two headers
//   lib/http/fast-path.ts      setFastPath (instrumentation.ts calls it at start)
// Plain JavaScript with no imports, so server.mjs can load it without a build; types in the .d.mts.

const SERVER_MARKER_KEY = Symbol.for("portico.serverMarker");
const FAST_PATH_KEY = Symbol.for("portico.fastPath");

/** The socket's address, set by server.mjs on every request (any client-sent value is overwritten). */
export const CLIENT_IP_HEADER = "x-portico-client-ip";
/** The per-process marker that proves server.mjs set CLIENT_IP_HEADER (lib/http/server-marker.ts). */
export const SERVER_MARKER_HEADER = "x-portico-server-marker";

export function setServerMarker(marker) {
  globalThis[SERVER_MARKER_KEY] = marker;
}

export function serverMarker() {
  return globalThis[SERVER_MARKER_KEY];
}

export function setFastPath(handler) {
  globalThis[FAST_PATH_KEY] = handler;
}

export function fastPath() {
  return globalThis[FAST_PATH_KEY];
}
