// UserInfo endpoint (OIDC Core §5.3): GET or POST, bearer token in the header or (POST) the body
// (RFC 6750 §2.1, §2.2).
import "server-only";
import { bearerToken, userInfo } from "@/lib/oidc";
import { jsonResult, oauthErrorResult, readForm } from "../oauth";
import type { EndpointRequest, EndpointResult } from "./result";
import { CORS_HEADERS, preflight } from "./cors";

async function answer(request: EndpointRequest, body?: Record<string, string>): Promise<EndpointResult> {
  return jsonResult(await userInfo(bearerToken(request.headers.get("authorization"), body)), 200, CORS_HEADERS);
}

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  try {
    return await answer(request);
  } catch (e) {
    return oauthErrorResult(e, { bearer: true, headers: CORS_HEADERS });
  }
}

export async function POST(request: EndpointRequest): Promise<EndpointResult> {
  const hasBody = request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded");
  try {
    return await answer(request, hasBody ? await readForm(request) : undefined);
  } catch (e) {
    return oauthErrorResult(e, { bearer: true, headers: CORS_HEADERS });
  }
}

export function OPTIONS(): EndpointResult {
  return preflight("GET, POST");
}
