// The reference OpenID Provider for `npm run bench:oidc`: node-oidc-provider (panva) with its default
// in-memory adapter, configured as closely to Portico as it allows, plus the smallest interaction
// handler that can sign a user in and record consent. Started by bench/oidc.ts as a child process
// (plain node, NODE_ENV=production), configured through one environment variable:
//
//   BENCH_OP_CONFIG = JSON { issuer (default http://HOST:PORT), clients: [{ client_id, client_secret, ... }], users: [{ email, password }],
//                            passwordCheck: "plain" | "argon2id", argon2: { memoryCost, timeCost, parallelism },
//                            storage: "memory" (default) | "postgres" }
//   BENCH_OP_DATABASE_URL = with storage "postgres": the database for oidc-provider's adapter
//                           (bench/lib/oidc-provider-pg-adapter.mjs) and for the accounts
//
// Endpoints: /auth, /token, /me (UserInfo), /token/introspection, /jwks, /.well-known/openid-configuration
// (the library's own), and /interaction/:uid (GET: login or consent page), /interaction/:uid/login and
// /interaction/:uid/confirm (POST), which are ours. /health answers 200 once listening.
import crypto from "node:crypto";
import http from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { errors } from "oidc-provider";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import pg from "pg";
import { postgresAdapter } from "./oidc-provider-pg-adapter.mjs";

const cfg = JSON.parse(process.env.BENCH_OP_CONFIG ?? "{}");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const issuer = cfg.issuer ?? `http://${host}:${port}`;
const API = "urn:portico-bench:api";

// One ES256 signing key, as Portico signs access and ID tokens with ES256 here.
const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: "ES256", use: "sig", kid: crypto.randomBytes(8).toString("hex") };

// Accounts: id, email, and either the password (plain) or its argon2id hash with Portico's parameters.
// With storage "postgres" they live in a table, read on every use as a deployment's account store would.
const usePostgres = cfg.storage === "postgres";
const accountList = [];
for (const [i, u] of (cfg.users ?? []).entries()) {
  accountList.push({
    id: `user-${i + 1}`,
    email: u.email.toLowerCase(),
    name: `Bench User ${i + 1}`,
    updatedAt: Math.floor(Date.now() / 1000),
    password: u.password,
    hash: cfg.passwordCheck === "argon2id" ? await argon2Hash(u.password.normalize("NFKC"), cfg.argon2) : null,
  });
}
const accounts = usePostgres ? await postgresAccounts(accountList) : memoryAccounts(accountList);

function memoryAccounts(list) {
  const byId = new Map(list.map((a) => [a.id, a]));
  const byEmail = new Map(list.map((a) => [a.email, a]));
  return { byId: async (id) => byId.get(id), byEmail: async (email) => byEmail.get(email) };
}

async function postgresAccounts(list) {
  const pool = new pg.Pool({ connectionString: process.env.BENCH_OP_DATABASE_URL, max: 10 });
  await pool.query("CREATE TABLE IF NOT EXISTS bench_accounts (id text PRIMARY KEY, email text UNIQUE NOT NULL, data jsonb NOT NULL)");
  for (const a of list) await pool.query("INSERT INTO bench_accounts (id, email, data) VALUES ($1, $2, $3)", [a.id, a.email, a]);
  const one = async (column, value) => (await pool.query(`SELECT data FROM bench_accounts WHERE ${column} = $1`, [value])).rows[0]?.data;
  return { byId: (id) => one("id", id), byEmail: (email) => one("email", email) };
}

async function checkPassword(account, password) {
  if (!account) return false;
  if (account.hash) return argon2Verify(account.hash, password.normalize("NFKC"));
  const a = Buffer.from(account.password);
  const b = Buffer.from(password);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// Remembered consent, like Portico's consent records: (account, client) -> Grant id. loadExistingGrant
// below consults it, so a user who approved a client once is not asked again in a new session.
const consents = new Map();

const provider = new Provider(issuer, {
  clients: cfg.clients,
  jwks: { keys: [jwk] },
  // ES256 is the only key: make it every client's (and JWT access tokens') default algorithm.
  clientDefaults: { id_token_signed_response_alg: "ES256", grant_types: ["authorization_code"], response_types: ["code"] },
  cookies: { keys: [crypto.randomBytes(32).toString("base64url")] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "updated_at"],
  },
  // Portico puts the scope's claims into the ID token as well as UserInfo.
  conformIdTokenClaims: false,
  ...(usePostgres ? { adapter: await postgresAdapter(process.env.BENCH_OP_DATABASE_URL) } : {}),
  async findAccount(_ctx, id) {
    const account = await accounts.byId(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: false, name: account.name, updated_at: account.updatedAt };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId ||
      ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId) ||
      consents.get(`${ctx.oidc.session.accountId}\u0000${ctx.oidc.client.clientId}`);
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      // Like Portico: a client learns only about its own tokens.
      allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
    },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // client_credentials without a `resource` gets the API as its audience, hence a JWT access
      // token (RFC 9068). Code-flow tokens with `openid` stay opaque: oidc-provider only accepts
      // audience-less (opaque) access tokens at UserInfo.
      defaultResource: async (ctx, _client, oneOf) => {
        if (oneOf) return oneOf;
        return ctx.oidc.params?.grant_type === "client_credentials" ? API : undefined;
      },
      useGrantedResource: async () => false,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== API) throw new errors.InvalidTarget();
        return { scope: "api:read api:write", audience: issuer, accessTokenTTL: 900, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
      },
    },
  },
  clientBasedCORS: () => false,
  // Portico's lifetimes: access tokens 900 s, codes 60 s, ID tokens 3600 s, interactions 30 min.
  ttl: {
    AccessToken: 900,
    ClientCredentials: 900,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 1800,
    Grant: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
    RefreshToken: 30 * 24 * 3600,
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError(ctx, out) {
    ctx.type = "json";
    ctx.body = out;
  },
});

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 16_384) throw new Error("body too large");
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

/** The interaction pages: what a deployment writes itself (oidc-provider ships none for production). */
async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, "text/plain", "interaction mismatch");
  const { prompt, params, session } = details;
  const client = await provider.Client.find(String(params.client_id));

  if (req.method === "GET" && !action) {
    if (prompt.name === "login") {
      return send(
        res,
        200,
        "text/html; charset=utf-8",
        page(
          "Sign in",
          `<form method="post" action="/interaction/${escapeHtml(uid)}/login"><label>Email <input name="email" type="email" value="${escapeHtml(params.login_hint ?? "")}"></label>` +
            `<label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>`,
        ),
      );
    }
    return send(
      res,
      200,
      "text/html; charset=utf-8",
      page(
        `${client?.clientName ?? params.client_id} wants to access your account`,
        `<p>Scopes: ${escapeHtml(params.scope)}</p><form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit" name="decision" value="allow">Allow</button></form>`,
      ),
    );
  }

  if (req.method === "POST" && action === "login") {
    const form = await readForm(req);
    const account = await accounts.byEmail(String(form.get("email") ?? "").toLowerCase());
    if (!(await checkPassword(account, String(form.get("password") ?? "")))) {
      return send(res, 200, "text/html; charset=utf-8", page("Sign in", "<p role=alert>Wrong email or password.</p>"));
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
  }

  if (req.method === "POST" && action === "confirm") {
    const form = await readForm(req);
    if (form.get("decision") !== "allow") {
      return provider.interactionFinished(req, res, { error: "access_denied", error_description: "the user denied the request" }, { mergeWithLastSubmission: false });
    }
    const accountId = session.accountId;
    let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    if (!grant) grant = new provider.Grant({ accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) grant.addResourceScope(indicator, scopes.join(" "));
    const grantId = await grant.save();
    consents.set(`${accountId}\u0000${params.client_id}`, grantId);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 405, "text/plain", "method not allowed");
}

const callback = provider.callback();
const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|confirm))?$/;

http
  .createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health") return send(res, 200, "text/plain", "ok");
    const m = INTERACTION.exec(path);
    if (m) {
      interaction(req, res, m[1], m[2]).catch((e) => {
        console.error("[oidc-provider bench] interaction error", e);
        if (!res.headersSent) send(res, 400, "text/plain", String(e?.message ?? e));
      });
      return;
    }
    callback(req, res);
  })
  .listen(port, host, () => console.log(`[oidc-provider bench] ${issuer} listening on ${host}:${port} (passwords: ${cfg.passwordCheck ?? "plain"}, storage: ${usePostgres ? "PostgreSQL" : "memory"})`));
