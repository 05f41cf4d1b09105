// A small OAuth 2.0 server on a random localhost port that behaves like GitHub's: an authorize
// endpoint that answers at once for a preset user (checking the redirect URI and the PKCE S256
// challenge), a token endpoint that answers errors with HTTP 200 as GitHub does, and /user and
// /user/emails that want the Bearer token and a User-Agent.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  /** The public profile address (null when the user keeps it private). */
  email: string | null;
  avatar_url: string;
  emails: { email: string; primary: boolean; verified: boolean; visibility: "public" | "private" | null }[];
}

export interface GitHubLike {
  url: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  user: GitHubUser;
  /** The next authorization answers access_denied. */
  deny: boolean;
  /** Each request's method, path and the headers the tests assert on. */
  requests: { method: string; path: string; userAgent?: string; accept?: string; authorization?: string }[];
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  used: boolean;
}

export async function startGitHubLike(opts: { redirectUri: string; user: GitHubUser; clientId?: string; clientSecret?: string }): Promise<GitHubLike> {
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, { scope: string }>();
  const gh: GitHubLike = {
    url: "",
    clientId: opts.clientId ?? "Iv1.stand-in",
    clientSecret: opts.clientSecret ?? crypto.randomBytes(20).toString("hex"),
    redirectUri: opts.redirectUri,
    user: opts.user,
    deny: false,
    requests: [],
    close: async () => {},
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));

  function authorize(q: URLSearchParams, res: http.ServerResponse) {
    if (q.get("client_id") !== gh.clientId || q.get("redirect_uri") !== gh.redirectUri) {
      return res.writeHead(400, { "content-type": "text/plain" }).end("The redirect_uri is not associated with this application.");
    }
    const back = new URL(gh.redirectUri);
    const state = q.get("state");
    if (state !== null) back.searchParams.set("state", state);
    if (gh.deny) {
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "The user has denied your application access.");
    } else if (q.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(q.get("code_challenge") ?? "")) {
      back.searchParams.set("error", "invalid_request");
    } else {
      const code = crypto.randomBytes(10).toString("hex");
      codes.set(code, { clientId: gh.clientId, redirectUri: gh.redirectUri, challenge: q.get("code_challenge")!, scope: q.get("scope") ?? "", used: false });
      back.searchParams.set("code", code);
    }
    res.writeHead(302, { location: back.toString() }).end();
  }

  function accessToken(req: http.IncomingMessage, form: URLSearchParams, res: http.ServerResponse) {
    const answer = (body: Record<string, string>) =>
      /application\/json/.test(req.headers.accept ?? "") ? json(res, 200, body) : res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" }).end(new URLSearchParams(body).toString());
    let [clientId, clientSecret] = [form.get("client_id"), form.get("client_secret")];
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    if (basic) [clientId, clientSecret] = Buffer.from(basic[1]!, "base64").toString().split(":").map(decodeURIComponent) as [string, string];
    if (clientId !== gh.clientId || clientSecret !== gh.clientSecret) {
      return answer({ error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect." });
    }
    const code = codes.get(form.get("code") ?? "");
    const verifier = form.get("code_verifier") ?? "";
    const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
    if (!code || code.used || code.clientId !== clientId || (form.has("redirect_uri") && form.get("redirect_uri") !== code.redirectUri) || challenge !== code.challenge) {
      if (code) code.used = true;
      return answer({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
    }
    code.used = true;
    const token = `gho_${crypto.randomBytes(18).toString("hex")}`;
    tokens.set(token, { scope: code.scope });
    answer({ access_token: token, token_type: "bearer", scope: code.scope.replace(/ /g, ",") });
  }

  function api(req: http.IncomingMessage, path: string, res: http.ServerResponse) {
    if (!req.headers["user-agent"]) return json(res, 403, { message: "Request forbidden by administrative rules. Please make sure your request has a User-Agent header." });
    const bearer = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? "");
    const grant = bearer && tokens.get(bearer[1]!);
    if (!grant) return json(res, 401, { message: "Requires authentication" });
    const { emails, ...user } = gh.user;
    if (path === "/user") return json(res, 200, user);
    if (!grant.scope.split(/[ ,]/).includes("user:email")) return json(res, 404, { message: "Not Found" });
    return json(res, 200, emails);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    gh.requests.push({ method: req.method ?? "GET", path: url.pathname, userAgent: req.headers["user-agent"], accept: req.headers.accept, authorization: req.headers.authorization });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET" && url.pathname === "/login/oauth/authorize") return authorize(url.searchParams, res);
      if (req.method === "POST" && url.pathname === "/login/oauth/access_token") return accessToken(req, new URLSearchParams(Buffer.concat(chunks).toString()), res);
      if (req.method === "GET" && (url.pathname === "/user" || url.pathname === "/user/emails")) return api(req, url.pathname, res);
      json(res, 404, { message: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  gh.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gh.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return gh;
}
