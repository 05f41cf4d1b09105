// RFC 8414 §3: the same metadata, for OAuth-only clients.
export { GET, dynamic } from "../openid-configuration/route";
