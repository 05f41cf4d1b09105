// Dynamic client registration endpoint (RFC 7591 §3), protected by an initial access token sent as
// a Bearer token (RFC 6750 §2.1). Thin: read the body, call lib/applications, map its typed errors to
// RFC 7591 §3.2.2 / RFC 6750 §3 responses. Never cached (RFC 7591 §3.2.1).
import "server-only";
import { ApplicationError, registerClient } from "@/lib/applications";
import { bearerToken } from "@/lib/oidc";
import { contextFromHeaders } from "../request-context";
import { jsonResult, serverErrorResult } from "../oauth";
import type { EndpointRequest, EndpointResult } from "./result";

const MAX_BODY_BYTES = 64 * 1024;

/** The metadata object, or undefined for a body that is not JSON (the domain answers invalid_client_metadata). */
async function readMetadata(request: EndpointRequest): Promise<unknown> {
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

export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  try {
    const token = bearerToken(request.headers.get("authorization"));
    const metadata = await readMetadata(request);
    const registered = await registerClient(token, metadata, contextFromHeaders(request.headers));
    return jsonResult(registered, 201);
  } catch (e) {
    if (e instanceof ApplicationError) {
      if (e.code === "invalid_token") {
        return jsonResult({ error: "invalid_token", error_description: e.message }, 401, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
      }
      if (e.code === "invalid_redirect_uri" || e.code === "invalid_client_metadata") {
        return jsonResult({ error: e.code, error_description: e.message }, 400);
      }
    }
    return serverErrorResult(e, { logAs: "client registration error" });
  }
}
