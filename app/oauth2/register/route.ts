// Dynamic client registration endpoint (RFC 7591 §3), protected by an initial access token sent as
// a Bearer token (RFC 6750 §2.1). Thin: read the body, call lib/clients, map its typed errors to
// RFC 7591 §3.2.2 / RFC 6750 §3 responses. Never cached (RFC 7591 §3.2.1).
import crypto from "node:crypto";
import { ClientError, registerClient } from "@/lib/clients";
import { contextFromHeaders } from "@/lib/http";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };
const MAX_BODY_BYTES = 64 * 1024;

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

function bearerToken(header: string | null): string | undefined {
  return header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim())?.[1] : undefined;
}

/** The metadata object, or undefined for a body that is not JSON (the domain answers invalid_client_metadata). */
async function readMetadata(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return undefined;
  const text = await request.text().catch(() => "");
  if (!text || Buffer.byteLength(text) > MAX_BODY_BYTES) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function POST(request: Request) {
  try {
    const token = bearerToken(request.headers.get("authorization"));
    const metadata = await readMetadata(request);
    const registered = await registerClient(token, metadata, contextFromHeaders(request.headers));
    return json(registered, 201);
  } catch (e) {
    if (e instanceof ClientError) {
      if (e.code === "invalid_token") {
        return json({ error: "invalid_token", error_description: e.message }, 401, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
      }
      if (e.code === "invalid_redirect_uri" || e.code === "invalid_client_metadata") {
        return json({ error: e.code, error_description: e.message }, 400);
      }
    }
    const id = crypto.randomUUID();
    console.error(`[portico] client registration error ${id}`, e);
    return json({ error: "server_error", error_description: `Internal error (reference ${id.slice(0, 8)}).` }, 500);
  }
}
