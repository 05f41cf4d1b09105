// Dynamic client registration (RFC 7591 §3). Handler in lib/http/endpoints.
import { registrationEndpoint, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = nextRoute(registrationEndpoint.POST);
