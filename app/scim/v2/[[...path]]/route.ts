// SCIM 2.0 (RFC 7644) at /scim/v2: Users, Groups, discovery. Handler in lib/http/endpoints/scim.ts.
import { nextRoute, otherMethods, scimEndpoint } from "@/lib/http";

export const dynamic = "force-dynamic";
const handle = nextRoute(scimEndpoint.handle);
export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const { OPTIONS } = otherMethods(["GET", "POST", "PUT", "PATCH", "DELETE"]);
