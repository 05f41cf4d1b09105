// Download of one consent receipt. Handler in lib/http/endpoints/consent-receipt.ts.
import { consentReceiptDownloadEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentReceiptDownloadEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
