// Types of process-handshake.mjs (plain JavaScript so that server.mjs can import it unbuilt).
import type { IncomingMessage, ServerResponse } from "node:http";

export declare const CLIENT_IP_HEADER: "x-portico-client-ip";
export declare const SERVER_MARKER_HEADER: "x-portico-server-marker";

/** Takes the request (true) or leaves it to Next (false). */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/** server.mjs sets it at start (tests too); undefined when Portico runs without server.mjs. */
export declare function setServerMarker(marker: string | undefined): void;
export declare function serverMarker(): string | undefined;
export declare function setFastPath(handler: FastPath | undefined): void;
export declare function fastPath(): FastPath | undefined;
