// The wrapper of protocol endpoints a client calls with an OAuth bearer token (RFC 6750): the token
// from the Authorization header or, on a form POST, the body (§2.1, §2.2; never both), the scopes
// the route requires handed to the domain function that checks them with the token, and every
// failure answered in one place as RFC 6750 §3: a WWW-Authenticate challenge, and for a request
// without a token the bare challenge (§3.1).
import "server-only";
import { z } from "zod";
import { bearerToken } from "@/lib/oidc";
import { jsonResult, oauthErrorResult, readForm } from "../oauth";
import type { EndpointRequest, EndpointResult } from "./result";

export interface BearerSpec {
  /** Scopes every token must hold here (insufficient_scope otherwise). */
  scopes: readonly string[];
  /** Sent with every answer, errors included (CORS). */
  headers?: Record<string, string>;
}

/** §2.2: a form body may carry the token (the body's other parameters are the endpoint's). */
const formBodySchema = z.object({ access_token: z.string().optional() });

/** Answers with the handler's JSON; the handler gets the token (or null) and the required scopes. */
export function bearerEndpoint(spec: BearerSpec, handler: (token: string | null, scopes: readonly string[]) => Promise<unknown>) {
  const headers = spec.headers ?? {};
  const answer = async (request: EndpointRequest, withBody: boolean): Promise<EndpointResult> => {
    try {
      const body = withBody ? formBodySchema.parse(await readForm(request)) : undefined;
      return jsonResult(await handler(bearerToken(request.headers.get("authorization"), body), spec.scopes), 200, headers);
    } catch (e) {
      return oauthErrorResult(e, { bearer: true, headers });
    }
  };
  return {
    GET: (request: EndpointRequest) => answer(request, false),
    /** A POST without a form body sends the token in the header only. */
    POST: (request: EndpointRequest) => answer(request, request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded") ?? false),
  };
}
