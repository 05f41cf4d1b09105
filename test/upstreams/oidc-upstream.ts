// A real OpenID Provider (oidc-provider 9) on a random localhost port, standing in for an upstream
// IdP (Google's or Microsoft's shape through the claims its accounts carry). Interactions finish
// without a page: GET /interaction/:uid signs in the account chosen beforehand (or declines), and
// consent is granted for whatever was asked, so followToCallback (browser.ts) runs a round trip.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, jwtVerify, type CryptoKey as JoseKey, type JWK, type KeyObject } from "jose";
import Provider from "oidc-provider";

export interface UpstreamAccount {
  sub: string;
  email?: string;
  /** Apple sends it as the string "true". */
  email_verified?: boolean | "true" | "false";
  name?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  locale?: string;
  phone_number?: string;
  /** Microsoft's tenant id (released with the openid scope). */
  tid?: string;
  /** The authentication methods the sign-in reports (the ID token's amr). */
  amr?: string[];
}

export interface UpstreamClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Default client_secret_basic. */
  authMethod?: "client_secret_basic" | "client_secret_post";
  /** RP-Initiated Logout 1.0: where the provider may send the browser after signing it out. */
  postLogoutRedirectUris?: string[];
}

export interface OidcUpstreamOptions {
  clients: UpstreamClient[];
  accounts: UpstreamAccount[];
  /** false (Google's shape): the scopes' claims in the ID token too, not only at UserInfo. Default true. */
  conformIdTokenClaims?: boolean;
  /** Sign in with Apple's shape (see AppleQuirks). */
  apple?: AppleQuirks;
  /**
   * Refresh tokens with every code (Google's access_type=offline shape: no offline_access scope
   * needed), each used one replaced by a new one (`rotate`) or kept valid.
   */
  refreshTokens?: { rotate: boolean };
  /** The issuer's path (a tenant's, "/<tid>/v2.0", in Microsoft's shape): the provider is mounted under it (interactions stay at /interaction/:uid). Default none. */
  issuerPath?: string;
  /** Answers a request itself (returns true) before the provider sees it: another document on the same server. */
  serve?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

/**
 * Apple's quirks: the client secret at the token endpoint is a JWT the client signed (ES256) with
 * the key whose public half is here, for this team and key id (checked as Apple does, then swapped
 * for the client's registered secret); and a form_post answer carries the `user` field (the
 * account's name, JSON) on each account's first authorization only.
 */
export interface AppleQuirks {
  teamId: string;
  keyId: string;
  publicKey: JoseKey | KeyObject;
}

export interface OidcUpstream {
  issuer: string;
  /** The account the next interaction signs in (default the first), or "deny" to answer access_denied. */
  next: string;
  /** Requests the provider received (method and path), to assert what was called. */
  requests: { method: string; path: string; authorization?: string }[];
  close(): Promise<void>;
}

export async function startOidcUpstream(opts: OidcUpstreamOptions): Promise<OidcUpstream> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${opts.issuerPath ?? ""}`;
  const accounts = new Map(opts.accounts.map((a) => [a.sub, a]));
  const up: OidcUpstream = { issuer, next: opts.accounts[0]?.sub ?? "deny", requests: [], close: async () => {} };

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), alg: "RS256", use: "sig", kid: crypto.randomBytes(8).toString("hex") };

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      token_endpoint_auth_method: c.authMethod ?? "client_secret_basic",
      grant_types: opts.refreshTokens ? ["authorization_code", "refresh_token"] : ["authorization_code"],
      response_types: ["code"],
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: [crypto.randomBytes(32).toString("base64url")] },
    claims: {
      // amr: the ID token reports how the account signed in (the interaction's login result).
      openid: ["sub", "tid", "amr"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "picture", "locale"],
      phone: ["phone_number"],
    },
    conformIdTokenClaims: opts.conformIdTokenClaims ?? true,
    pkce: { required: () => true },
    ...(opts.refreshTokens ? { issueRefreshToken: async () => true, rotateRefreshToken: () => opts.refreshTokens!.rotate } : {}),
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: !opts.apple }, rpInitiatedLogout: { enabled: true } },
    // Apple's discovery lists client_secret_post only.
    ...(opts.apple ? { clientAuthMethods: ["client_secret_post"] } : {}),
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          const { amr: _amr, ...claims } = account;
          return claims;
        },
      };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    renderError(ctx: { type: string; body: unknown }, out: unknown) {
      ctx.type = "json";
      ctx.body = out;
    },
  });

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (up.next === "deny") {
      return provider.interactionFinished(req, res, { error: "access_denied", error_description: "the user declined" }, { mergeWithLastSubmission: false });
    }
    if (details.prompt.name === "login") {
      const account = accounts.get(up.next);
      if (!account) throw new Error(`no account ${up.next}`);
      return provider.interactionFinished(req, res, { login: { accountId: account.sub, amr: account.amr } }, { mergeWithLastSubmission: false });
    }
    // Consent: grant what is missing.
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id });
    if (!grant) throw new Error("grant vanished");
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }

  if (opts.apple) {
    const namedOnce = new Set<string>();
    provider.use(async (ctx, next) => {
      await next();
      const accountId = ctx.oidc?.session?.accountId;
      const account = accountId ? accounts.get(accountId) : undefined;
      if (typeof ctx.body !== "string" || !ctx.body.includes("<title>Submitting Callback</title>") || !account || namedOnce.has(account.sub)) return;
      namedOnce.add(account.sub);
      const user = JSON.stringify({ name: { firstName: account.given_name, lastName: account.family_name }, email: account.email });
      ctx.body = ctx.body.replace("<noscript>", `<input type="hidden" name="user" value="${user.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"/>\n<noscript>`);
    });
  }

  /** Apple's token endpoint: the client secret must be a JWT signed by the client's key (else it is refused as invalid_client). */
  async function appleClientSecret(req: http.IncomingMessage, apple: AppleQuirks): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const client = opts.clients.find((c) => c.clientId === form.get("client_id"));
    let valid = false;
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get("client_secret") ?? "", apple.publicKey, { issuer: apple.teamId, subject: form.get("client_id") ?? "", audience: issuer, algorithms: ["ES256"] });
      valid = protectedHeader.kid === apple.keyId && typeof payload.exp === "number" && typeof payload.iat === "number" && payload.exp - payload.iat <= 15_777_000;
    } catch {
      valid = false;
    }
    form.set("client_secret", valid && client ? client.clientSecret : "refused");
    // Read already: oidc-provider takes the parsed body from req.body.
    (req as http.IncomingMessage & { body?: string }).body = form.toString();
  }

  const callback = provider.callback();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    up.requests.push({ method: req.method ?? "GET", path, authorization: req.headers.authorization });
    if (/^\/interaction\/[A-Za-z0-9_-]+$/.test(path)) {
      interaction(req, res).catch((e: Error) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end(e.message);
      });
      return;
    }
    if (opts.apple && req.method === "POST" && path === "/token") {
      appleClientSecret(req, opts.apple).then(
        () => callback(req, res),
        (e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(e.message),
      );
      return;
    }
    if (opts.serve?.(req, res)) return;
    if (opts.issuerPath) {
      // Mounted under the issuer's path: oidc-provider reads the mount from originalUrl minus url.
      if (path !== opts.issuerPath && !path.startsWith(`${opts.issuerPath}/`)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      const rest = req.url!.slice(opts.issuerPath.length);
      req.url = rest.startsWith("/") ? rest : `/${rest}`;
    }
    callback(req, res);
  });
  up.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return up;
}
