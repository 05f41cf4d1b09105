// The import form's upload (multipart). Handler in lib/http/endpoints/user-import-upload.ts.
import { otherMethods, userImportUploadEndpoint } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = userImportUploadEndpoint.POST;
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
