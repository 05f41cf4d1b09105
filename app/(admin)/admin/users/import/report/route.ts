// The rejected rows of a user import, as CSV. Handler in lib/http/endpoints/user-jobs.ts.
import { nextRoute, otherMethods, userJobDownloadEndpoints } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(userJobDownloadEndpoints.importReportGET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
