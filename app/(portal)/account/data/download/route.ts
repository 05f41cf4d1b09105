// The download of a customer's copy of their data. Handler in lib/http/endpoints/data-export.ts.
import { dataExportDownloadEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(dataExportDownloadEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
