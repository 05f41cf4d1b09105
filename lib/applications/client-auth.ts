// Client authentication at the token endpoint (and the other endpoints that authenticate clients):
// RFC 6749 §2.3 (exactly one method per request, the registered one), §2.3.1 (client_secret_basic,
// with form-urlencoded id and secret, and client_secret_post), RFC 7523 §3 + OIDC Core §9
// (private_key_jwt: iss = sub = client_id, aud = token endpoint or issuer, exp, single-use jti),
// and "none" for public clients (the caller then requires PKCE, RFC 7636). Every credential
// failure reads the same (RFC 6749 §5.2 invalid_client): unknown client, wrong secret, disabled
// client and wrong method are not told apart.
import "server-only";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { safeEqual, sha256Hex } from "@/lib/crypto";
import { ClientAuthError } from "./applications.errors";
import { CLIENT_ASSERTION_ALGS, type ApplicationDto, type TokenEndpointAuthMethod } from "./applications.schema";
import { deleteExpiredJtis, findApplicationForAuthentication, insertUsedJti, type ApplicationRecord } from "./applications.repo";
import { toApplicationDto } from "./dto";
import { isWellFormedClientId } from "./client-id";

export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** An assertion may live at most this long from now: a long-lived one would be a bearer password. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 30;
const MAX_ASSERTION_LENGTH = 8192;
const MAX_HEADER_LENGTH = 4096;
const FAILED = "Client authentication failed.";
/** Compared against when the client is unknown, so that path does the same work as a wrong secret. */
const NO_SECRET_HASH = "0".repeat(64);

export interface ClientAuthRequest {
  authorizationHeader?: string | null;
  /** The form-encoded body's parameters (each one once). */
  body: Record<string, string>;
  /** The endpoint's own URL, an accepted `aud` of a client assertion (OIDC Core §9). */
  tokenEndpointUrl: string;
  /** The issuer identifier, also an accepted `aud` (RFC 7523 §3). */
  issuer: string;
  now?: Date;
}

export interface AuthenticatedClient {
  client: ApplicationDto;
  method: TokenEndpointAuthMethod;
}

/** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
function param(body: Record<string, string>, name: string): string | undefined {
  const v = body[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function fail(basic = false): ClientAuthError {
  return new ClientAuthError("invalid_client", FAILED, { basic });
}

/** Authenticates the client of a token (or introspection, revocation, PAR) request. */
export async function authenticateClient(request: ClientAuthRequest): Promise<ApplicationDto> {
  return (await authenticateClientWithMethod(request)).client;
}

export async function authenticateClientWithMethod(request: ClientAuthRequest): Promise<AuthenticatedClient> {
  const { body } = request;
  const header = request.authorizationHeader?.trim() || undefined;
  const basicMatch = header ? /^basic +([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  const used: TokenEndpointAuthMethod[] = [];
  if (header) used.push("client_secret_basic");
  if (param(body, "client_secret")) used.push("client_secret_post");
  if (param(body, "client_assertion") || param(body, "client_assertion_type")) used.push("private_key_jwt");
  if (used.length > 1) {
    throw new ClientAuthError("invalid_request", "Use exactly one client authentication method per request.");
  }
  const method: TokenEndpointAuthMethod = used[0] ?? "none";

  if (method === "client_secret_basic") {
    if (!basicMatch || header!.length > MAX_HEADER_LENGTH) throw fail(true);
    const credentials = decodeBasic(basicMatch[1]!);
    if (!credentials || !isWellFormedClientId(credentials.id)) throw fail(true);
    const bodyId = param(body, "client_id");
    if (bodyId !== undefined && bodyId !== credentials.id) throw fail(true);
    const client = await checkSecret(credentials.id, credentials.secret, method);
    if (!client) throw fail(true);
    return { client, method };
  }

  if (method === "client_secret_post") {
    const id = param(body, "client_id");
    if (!id) throw new ClientAuthError("invalid_request", "client_secret needs client_id.");
    if (!isWellFormedClientId(id)) throw fail();
    const client = await checkSecret(id, param(body, "client_secret")!, method);
    if (!client) throw fail();
    return { client, method };
  }

  if (method === "private_key_jwt") {
    return { client: await checkAssertion(request), method };
  }

  const id = param(body, "client_id");
  if (!id) throw new ClientAuthError("invalid_client", "Client authentication is required.");
  if (!isWellFormedClientId(id)) throw fail();
  const row = await findApplicationForAuthentication(id);
  if (!row || !usable(row, "none") || row.type !== "public") throw fail();
  return { client: toApplicationDto(row), method };
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined and base64-encoded. */
function decodeBasic(b64: string): { id: string; secret: string } | null {
  const decoded = Buffer.from(b64, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  try {
    const id = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    return id && secret ? { id, secret } : null;
  } catch {
    return null; // malformed percent-encoding
  }
}

function usable(row: ApplicationRecord, method: TokenEndpointAuthMethod): boolean {
  return row.disabledAt === null && row.tokenEndpointAuthMethod === method;
}

async function checkSecret(clientId: string, secret: string, method: TokenEndpointAuthMethod): Promise<ApplicationDto | null> {
  const row = isWellFormedClientId(clientId) ? await findApplicationForAuthentication(clientId) : null;
  // Hash and compare whatever happens, so an unknown client costs what a wrong secret costs.
  const matches = safeEqual(sha256Hex(secret), row?.clientSecretHash ?? NO_SECRET_HASH);
  if (!row || !matches || !row.clientSecretHash || !usable(row, method)) return null;
  return toApplicationDto(row);
}

async function checkAssertion(request: ClientAuthRequest): Promise<ApplicationDto> {
  const { body } = request;
  const assertion = param(body, "client_assertion");
  const type = param(body, "client_assertion_type");
  if (!assertion || !type) throw new ClientAuthError("invalid_request", "client_assertion and client_assertion_type go together.");
  if (type !== JWT_BEARER_ASSERTION_TYPE) throw new ClientAuthError("invalid_client", "Unsupported client_assertion_type.");
  if (assertion.length > MAX_ASSERTION_LENGTH) throw fail();

  let alg: unknown;
  let unverified: JWTPayload;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    unverified = decodeJwt(assertion);
  } catch {
    throw fail();
  }
  // Refuse `none` and HS* before any key is looked at (RFC 8725 §3.1).
  if (!(CLIENT_ASSERTION_ALGS as readonly unknown[]).includes(alg)) throw fail();
  const clientId = unverified.sub;
  if (!isWellFormedClientId(clientId) || unverified.iss !== clientId) throw fail();
  const bodyId = param(body, "client_id");
  if (bodyId !== undefined && bodyId !== clientId) throw fail();

  const row = await findApplicationForAuthentication(clientId);
  if (!row || !usable(row, "private_key_jwt") || !row.jwks) throw fail();

  const now = request.now ?? new Date();
  const payload = await verifyWithKeys(assertion, row.jwks as unknown as JSONWebKeySet, {
    algorithms: [...CLIENT_ASSERTION_ALGS],
    issuer: clientId,
    subject: clientId,
    audience: [request.tokenEndpointUrl, request.issuer],
    requiredClaims: ["exp", "jti"],
    currentDate: now,
    clockTolerance: CLOCK_SKEW_SECONDS,
  });
  if (!payload) throw fail();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof payload.exp !== "number" || payload.exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw fail();
  const jti = payload.jti;
  if (typeof jti !== "string" || !jti || jti.length > 200) throw fail();

  // RFC 7523 §3 (7): single use. Namespaced by client and hashed to fit the column.
  const recorded = await insertUsedJti(`pkjwt:${sha256Hex(`${clientId}\u0000${jti}`)}`, new Date((payload.exp + CLOCK_SKEW_SECONDS) * 1000));
  if (!recorded) throw fail();
  // Now and then, forget assertions that can no longer be replayed anyway.
  if (Math.random() < 0.01) await deleteExpiredJtis(now);
  return toApplicationDto(row);
}

type VerifyOptions = NonNullable<Parameters<typeof jwtVerify>[2]>;

/** Verifies against the client's JWK Set; with several candidate keys (no kid), tries each. */
async function verifyWithKeys(assertion: string, jwks: JSONWebKeySet, options: VerifyOptions): Promise<JWTPayload | null> {
  let keys: JWTVerifyGetKey;
  try {
    keys = createLocalJWKSet(jwks);
  } catch {
    return null;
  }
  try {
    return (await jwtVerify(assertion, keys, options)).payload;
  } catch (e) {
    if ((e as { code?: string }).code !== "ERR_JWKS_MULTIPLE_MATCHING_KEYS") return null;
    for await (const key of e as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(assertion, key, options)).payload;
      } catch {
        // try the next candidate
      }
    }
    return null;
  }
}
