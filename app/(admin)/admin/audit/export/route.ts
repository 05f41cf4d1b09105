// The audit log's export download (JSON Lines or CSV, streamed). Handler in lib/http/endpoints/audit-export.ts.
import { auditExportEndpoint, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = auditExportEndpoint.GET;
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
