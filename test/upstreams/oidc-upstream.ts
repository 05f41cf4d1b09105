// A real OpenID Provider (oidc-provider 9) on a random localhost port, standing in for an upstream
// IdP (Google's or Microsoft's shape through the claims its accounts carry). Interactions finish
// without a page: GET /interaction/:uid signs in the account chosen beforehand (or declines), and
// consent is granted for whatever was asked, so followToCallback (browser.ts) runs a round trip.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider from "oidc-provider";

export interface UpstreamAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
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
}

export interface OidcUpstreamOptions {
  clients: UpstreamClient[];
  accounts: UpstreamAccount[];
  /** false (Google's shape): the scopes' claims in the ID token too, not only at UserInfo. Default true. */
  conformIdTokenClaims?: boolean;
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
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map(opts.accounts.map((a) => [a.sub, a]));
  const up: OidcUpstream = { issuer, next: opts.accounts[0]?.sub ?? "deny", requests: [], close: async () => {} };

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), alg: "RS256", use: "sig", kid: crypto.randomBytes(8).toString("hex") };

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      token_endpoint_auth_method: c.authMethod ?? "client_secret_basic",
      grant_types: ["authorization_code"],
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
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
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
    callback(req, res);
  });
  up.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return up;
}
