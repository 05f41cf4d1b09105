// GET /api/health -> readiness (checks the database); GET /api/health?probe=live -> liveness only.
import { checkReadiness } from "@/lib/health";
import { otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const headers = { "Cache-Control": "no-store" };
  if (new URL(request.url).searchParams.get("probe") === "live") {
    return Response.json({ status: "ok" }, { headers });
  }
  const r = await checkReadiness();
  return Response.json({ status: r.ready ? "ok" : "unavailable", checks: { database: { status: r.database, latencyMs: r.latencyMs } } }, { status: r.ready ? 200 : 503, headers });
}
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
