// Download of one consent receipt. Handler in lib/http/endpoints/consent-receipt.ts.
import { consentReceiptDownloadEndpoint, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(consentReceiptDownloadEndpoint.GET);
