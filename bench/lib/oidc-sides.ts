// The two OpenID Providers under test, behind one interface, and the authorization-code flow a
// browser without JavaScript goes through on each: authorize -> login page -> login post -> back
// to authorize -> code at the redirect URI -> token endpoint (client_secret_basic + PKCE S256).
import crypto from "node:crypto";
import { Browser, FlowError, isRedirect, type Page, type StepTimes } from "./browser";
import { hiddenFormFields, multipart } from "./server-action";

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}
export interface BenchUser {
  email: string;
  password: string;
}

export interface Endpoints {
  issuer: string;
  authorization: string;
  token: string;
  userinfo: string;
  introspection: string;
}

export interface Side {
  label: string;
  origin: string;
  endpoints: Endpoints;
  /** Confidential client allowed client_credentials only. */
  service: ClientCredentials;
  /** Confidential client for the code flow (client_secret_basic, ID tokens ES256). */
  webapp: ClientCredentials & { redirectUri: string };
  users: BenchUser[];
  /** Cookies a browser keeps between visits that make it a known device (Portico's risk engine). */
  deviceCookies: readonly string[];
  /** Each user's own browser: the device their flows come back from. */
  devices: Map<string, Device>;
  /** Name of the step that GETs `url` during the authorization (for the per-step breakdown). */
  stepName(url: URL): string;
  /** A 200 page met during the authorization: submit it (login, consent, second step) and return the answer. */
  submit(browser: Browser, page: Page, user: BenchUser, flow: FlowOptions): Promise<Page>;
}

/** A device's long-lived cookies, carried from one flow to the next (never its session). */
export type Device = Map<string, string>;

export interface FlowOptions {
  /** A consent screen is answered (setup) rather than failing the flow (measured flows). */
  allowConsent: boolean;
  /** A second step by emailed code is answered from the dev outbox rather than failing the flow. */
  allowEmailCode: boolean;
}

export const SCOPE = "openid email profile";
export const SERVICE_SCOPE = "api:read";
export const REDIRECT_URI = "http://127.0.0.1:9/callback"; // never contacted: the flow stops at the Location

export function basicAuth(c: ClientCredentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64")}`;
}

/** Endpoint URLs from the provider's discovery document (OIDC Discovery 1.0 §4). */
export async function discover(origin: string, wellKnown = "/.well-known/openid-configuration"): Promise<Endpoints> {
  const res = await fetch(origin + wellKnown);
  if (res.status !== 200) throw new Error(`[bench] ${origin}${wellKnown} -> ${res.status}`);
  const m = (await res.json()) as Record<string, string>;
  const e = {
    issuer: m.issuer!,
    authorization: m.authorization_endpoint!,
    token: m.token_endpoint!,
    userinfo: m.userinfo_endpoint!,
    introspection: m.introspection_endpoint!,
  };
  for (const [k, v] of Object.entries(e)) if (!v) throw new Error(`[bench] ${origin}: discovery has no ${k}`);
  return e;
}

const b64url = (b: Buffer) => b.toString("base64url");
const decodeJwtPart = (jwt: string, i: 0 | 1) => JSON.parse(Buffer.from(jwt.split(".")[i] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

export interface TokenResponse {
  access_token: string;
  token_type: string;
  id_token?: string;
  expires_in?: number;
  scope?: string;
}

/**
 * One complete authorization-code flow in a browser without a session (no SSO). With `device`, the
 * browser starts with that device's long-lived cookies and hands back the ones the flow set (a
 * returning customer on a known device); without, it is a first visit. Screens the options do not
 * allow fail the flow: measured flows run after consent was given once per user.
 */
export async function codeFlow(side: Side, user: BenchUser, flow: FlowOptions, device?: Device, afterStep?: (step: string) => Promise<void>): Promise<{ tokens: TokenResponse; steps: StepTimes }> {
  const browser = new Browser(side.origin, undefined, afterStep);
  for (const [name, value] of device ?? []) browser.jar.put(name, value);
  const verifier = b64url(crypto.randomBytes(32));
  const state = b64url(crypto.randomBytes(12));
  const nonce = b64url(crypto.randomBytes(12));
  const authorize = new URL(side.endpoints.authorization);
  authorize.search = new URLSearchParams({
    client_id: side.webapp.clientId,
    redirect_uri: side.webapp.redirectUri,
    response_type: "code",
    scope: SCOPE,
    state,
    nonce,
    code_challenge: b64url(crypto.createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
  }).toString();

  let page = await browser.request("authorize", authorize);
  let callback: URL | null = null;
  for (let hop = 0; hop < 12 && !callback; hop++) {
    if (isRedirect(page.status) && page.location) {
      if (page.location.href.startsWith(side.webapp.redirectUri)) callback = page.location;
      else page = await browser.request(side.stepName(page.location), page.location);
    } else if (page.status === 200) {
      page = await side.submit(browser, page, user, flow);
    } else {
      throw new FlowError(`HTTP ${page.status} at ${page.url.pathname}`, page.body.slice(0, 200));
    }
  }
  if (!callback) throw new FlowError("no code after 12 hops");
  const q = callback.searchParams;
  if (q.get("error")) throw new FlowError(`authorization error ${q.get("error")}`, q.get("error_description") ?? "");
  if (q.get("state") !== state) throw new FlowError("state mismatch");
  if (q.get("iss") !== side.endpoints.issuer) throw new FlowError("iss mismatch (RFC 9207)");
  const code = q.get("code");
  if (!code) throw new FlowError("no code");

  const res = await browser.request("token", side.endpoints.token, {
    method: "POST",
    headers: { authorization: basicAuth(side.webapp), "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: side.webapp.redirectUri, code_verifier: verifier }).toString(),
  });
  if (res.status !== 200) throw new FlowError(`token HTTP ${res.status}`, res.body.slice(0, 200));
  const tokens = JSON.parse(res.body) as TokenResponse;
  if (!tokens.access_token || tokens.token_type?.toLowerCase() !== "bearer" || !tokens.id_token) throw new FlowError("token response incomplete");
  const header = decodeJwtPart(tokens.id_token, 0);
  const claims = decodeJwtPart(tokens.id_token, 1);
  if (header.alg !== "ES256") throw new FlowError("id_token not ES256");
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.nonce !== nonce || claims.iss !== side.endpoints.issuer || !aud.includes(side.webapp.clientId)) throw new FlowError("id_token claims wrong");
  if (claims.email !== user.email) throw new FlowError("id_token for another user");
  for (const name of side.deviceCookies) {
    const value = browser.jar.get(name);
    if (device && value) device.set(name, value);
  }
  return { tokens, steps: browser.steps };
}

// ---------------------------------------------------------------------------------------------------
// Portico: the login form is a server action posted without JavaScript (multipart, hidden $ACTION_*
// fields, `next` = the /oauth2/authorize?interaction=... path); consent posts to /consent/decision.

export function porticoStepName(url: URL): string {
  if (url.pathname === "/login") return "login page";
  if (url.pathname === "/consent") return "consent page";
  if (url.pathname === "/oauth2/authorize") return "authorize (resume)";
  return `GET ${url.pathname}`;
}

export const PORTICO_DEVICE_COOKIES = ["portico.did"] as const; // lib/http/session-cookie.ts

export async function porticoSubmit(browser: Browser, page: Page, user: BenchUser, flow: FlowOptions): Promise<Page> {
  const origin = browser.origin;
  if (page.url.pathname === "/login/verify") {
    if (!flow.allowEmailCode) throw new FlowError("second step asked");
    return porticoEmailCode(browser, page, user);
  }
  if (page.url.pathname === "/login") {
    const hidden = hiddenFormFields(page.body);
    const next = hidden?.find(([k]) => k === "next")?.[1];
    if (!hidden || !next?.startsWith("/oauth2/authorize?interaction=")) throw new FlowError("login page without the interaction in `next`");
    const fd = new FormData();
    for (const [k, v] of hidden) fd.set(k, v);
    fd.set("email", user.email);
    fd.set("password", user.password);
    const { body, contentType } = await multipart(fd);
    const res = await browser.request("login post", "/login", { method: "POST", headers: { origin, "content-type": contentType }, body: new Uint8Array(body) });
    if (res.status === 303 && res.location?.pathname === "/login/verify") {
      if (!flow.allowEmailCode) throw new FlowError("second step asked");
      return res;
    }
    if (res.status !== 303 || res.location?.pathname !== "/oauth2/authorize") throw new FlowError(`login post answered ${res.status}`, res.location?.href ?? res.body.slice(0, 200));
    if (!browser.jar.has("portico.session")) throw new FlowError("login post set no session cookie");
    return res;
  }
  if (page.url.pathname === "/consent") {
    if (!flow.allowConsent) throw new FlowError("consent screen shown");
    const interaction = page.url.searchParams.get("interaction") ?? "";
    return browser.request("consent post", "/consent/decision", {
      method: "POST",
      headers: { origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ interaction, decision: "allow" }).toString(),
    });
  }
  throw new FlowError(`unexpected page ${page.url.pathname}`);
}

/**
 * The risk engine's second step for a browser it has not seen: "email me a code" (no-JS form post),
 * the code read from the dev outbox (readable from loopback while no administrator exists), then
 * the code form. Answers the code form's redirect back to the authorization.
 */
async function porticoEmailCode(browser: Browser, page: Page, user: BenchUser): Promise<Page> {
  const origin = browser.origin;
  const sendForm = hiddenFormFields(page.body, (form) => !/name="code"/.test(form));
  if (!sendForm) throw new FlowError("verify page without the send-code form");
  const send = await multipart(formData(sendForm));
  const sent = await browser.request("send code post", "/login/verify", { method: "POST", headers: { origin, "content-type": send.contentType }, body: new Uint8Array(send.body) });
  if (sent.status !== 200) throw new FlowError(`send code answered ${sent.status}`);
  // Portico sends at most 5 codes per account and quarter hour (lib/factors): a refusal says so.
  if (!sent.body.includes("We sent a code to")) throw new FlowError("send code refused", /role="alert"[^>]*>([^<]*)/.exec(sent.body)?.[1]);
  const outbox = await browser.request("read outbox", "/dev/mail");
  // Newest first: the first of this user's items that carries a sign-in code is the one just sent.
  const item = outbox.body.split('data-testid="outbox-item"').find((i) => i.includes(`data-testid="outbox-to">${user.email}<`) && / is your [^<]*sign-in code/.test(i));
  const code = item && /(\d{6}) is your [^<]*sign-in code/.exec(item)?.[1];
  if (!code) throw new FlowError("no sign-in code in the dev outbox");
  const codeForm = hiddenFormFields(sent.body, (form) => /name="code"/.test(form));
  if (!codeForm) throw new FlowError("verify page without the code form");
  const fd = formData(codeForm);
  fd.set("code", code);
  const post = await multipart(fd);
  const res = await browser.request("code post", "/login/verify", { method: "POST", headers: { origin, "content-type": post.contentType }, body: new Uint8Array(post.body) });
  if (res.status !== 303 || res.location?.pathname !== "/oauth2/authorize") throw new FlowError(`code post answered ${res.status}`, res.location?.href ?? res.body.slice(0, 200));
  return res;
}

function formData(fields: [string, string][]): FormData {
  const fd = new FormData();
  for (const [k, v] of fields) fd.set(k, v);
  return fd;
}

// ---------------------------------------------------------------------------------------------------
// oidc-provider: our interaction pages in lib/oidc-provider-server.mjs (login form, consent form).

export function oidcProviderStepName(url: URL): string {
  if (url.pathname.startsWith("/interaction/")) return "login page";
  if (url.pathname.startsWith("/auth/")) return "authorize (resume)";
  return `GET ${url.pathname}`;
}

export async function oidcProviderSubmit(browser: Browser, page: Page, user: BenchUser, flow: FlowOptions): Promise<Page> {
  const path = page.url.pathname;
  if (!path.startsWith("/interaction/")) throw new FlowError(`unexpected page ${path}`);
  const form = { "content-type": "application/x-www-form-urlencoded" };
  if (page.body.includes(`action="${path}/login"`)) {
    const res = await browser.request("login post", `${path}/login`, { method: "POST", headers: form, body: new URLSearchParams({ email: user.email, password: user.password }).toString() });
    if (res.status !== 303 || !res.location?.pathname.startsWith("/auth/")) throw new FlowError(`login post answered ${res.status}`, res.body.slice(0, 200));
    return res;
  }
  if (page.body.includes(`action="${path}/confirm"`)) {
    if (!flow.allowConsent) throw new FlowError("consent screen shown");
    return browser.request("consent post", `${path}/confirm`, { method: "POST", headers: form, body: "decision=allow" });
  }
  throw new FlowError("interaction page is neither login nor consent");
}
