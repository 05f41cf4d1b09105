// GET /account/privacy/receipt?id=<receipt id>&format=jws|json: one of the signed-in customer's
// consent receipts as an attachment, the compact JWS (application/jose, RFC 7515 §9.2.1) or its
// decoded JSON. Signed out: to the sign-in page and back. Someone else's, unknown or malformed:
// 404, never a 500.
import "server-only";
import { ConsentError, receiptOf } from "@/lib/consents";
import { currentSessionFromCookieHeader } from "../session-cookie";
import { NO_STORE, type EndpointRequest, type EndpointResult } from "./result";

const notFound: EndpointResult = { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", ...NO_STORE }, body: "There is no such receipt.\n" };

export async function GET(request: EndpointRequest): Promise<EndpointResult> {
  const url = new URL(request.url, "http://portico.invalid");
  const session = await currentSessionFromCookieHeader(request.headers.get("cookie"));
  if (!session) {
    const back = `${url.pathname}${url.search}`.slice(0, 2000);
    return { status: 303, headers: { Location: `/login?next=${encodeURIComponent(back)}`, ...NO_STORE }, body: null };
  }
  try {
    const receipt = await receiptOf(session.user.id, url.searchParams.get("id") ?? "");
    const json = url.searchParams.get("format") === "json";
    return {
      status: 200,
      headers: {
        "Content-Type": json ? "application/json; charset=utf-8" : "application/jose",
        "Content-Disposition": `attachment; filename="consent-receipt-${receipt.id}.${json ? "json" : "jws"}"`,
        "X-Content-Type-Options": "nosniff",
        ...NO_STORE,
      },
      body: json ? `${JSON.stringify(receipt.receipt, null, 2)}\n` : receipt.jws,
    };
  } catch (e) {
    if (e instanceof ConsentError) return notFound;
    throw e;
  }
}
