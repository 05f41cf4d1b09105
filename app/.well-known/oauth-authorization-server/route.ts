// RFC 8414 §3: the same metadata, for OAuth-only clients.
import { GET as openidConfiguration } from "../openid-configuration/route";

export const dynamic = "force-dynamic";
export const GET = openidConfiguration;
