// UserInfo endpoint (OIDC Core §5.3): GET or POST, bearer token in the header or (POST) the body.
import { bearerToken, userInfo } from "@/lib/oidc";
import { jsonResponse, oauthErrorResponse, readForm } from "@/lib/http";

export const dynamic = "force-dynamic";

async function handle(request: Request, body?: Record<string, string>) {
  try {
    return jsonResponse(await userInfo(bearerToken(request.headers.get("authorization"), body)), 200, { "Access-Control-Allow-Origin": "*" });
  } catch (e) {
    return oauthErrorResponse(e, { bearer: true });
  }
}

export async function GET(request: Request) {
  return handle(request);
}

export async function POST(request: Request) {
  const hasBody = request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded");
  try {
    return handle(request, hasBody ? await readForm(request) : undefined);
  } catch (e) {
    return oauthErrorResponse(e, { bearer: true });
  }
}
