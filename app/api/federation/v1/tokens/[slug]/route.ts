// The upstream's tokens kept for the token's user at one connection (bearer token with federation:tokens). Handler in lib/http/endpoints/federation-tokens.ts.
import { federationTokensEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = nextRoute(federationTokensEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
