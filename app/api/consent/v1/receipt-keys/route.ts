// The JWK Set that verifies consent receipts, rotated-out keys included. Handler in lib/http/endpoints/consent/receipt-keys.ts.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentApi.receiptKeys.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = consentApi.otherMethods(["GET"]);
