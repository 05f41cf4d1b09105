// Setting up a fresh Portico for bench:oidc through its public interfaces only: users sign up on
// /register (no-JS form post, ALTCHA solved here as the widget would), clients register dynamically
// with the deployment's initial access token (RFC 7591).
import crypto from "node:crypto";
import { solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { hiddenFormFields, multipart } from "./server-action";
import type { BenchUser, ClientCredentials } from "./oidc-sides";

/** Registration is limited to 20 per IP and hour (lib/users/registration.ts); stay below. */
export const MAX_REGISTERED_USERS = 16;

export async function registerPorticoUser(origin: string, user: BenchUser, displayName: string): Promise<void> {
  const page = await fetch(`${origin}/register`);
  const html = await page.text();
  const hidden = hiddenFormFields(html);
  if (page.status !== 200 || !hidden) throw new Error(`[bench] GET /register -> ${page.status} (form: ${Boolean(hidden)})`);

  const challengeRes = await fetch(`${origin}/api/altcha/challenge`);
  const challenge = (await challengeRes.json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("[bench] could not solve the ALTCHA challenge");
  const altcha = Buffer.from(JSON.stringify({ challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } })).toString("base64");

  const fd = new FormData();
  for (const [k, v] of hidden) fd.set(k, v);
  fd.set("email", user.email);
  fd.set("displayName", displayName);
  fd.set("password", user.password);
  fd.set("acceptTerms", "on");
  fd.set("altcha", altcha);
  const { body, contentType } = await multipart(fd);
  const res = await fetch(`${origin}/register`, {
    method: "POST",
    headers: { origin, "content-type": contentType, "user-agent": "portico-bench/1 (setup)" },
    body: new Uint8Array(body),
    redirect: "manual",
  });
  const answer = await res.text();
  if (res.status !== 200 || !answer.includes("We sent a link to")) {
    const alert = /role="alert"[^>]*>([^<]*)/.exec(answer)?.[1];
    throw new Error(`[bench] registering ${user.email} failed: HTTP ${res.status}${alert ? `, "${alert}"` : ""}`);
  }
}

export async function registerPorticoUsers(origin: string, count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    // 32 random hex characters: passes the single-factor policy (>= 15 characters, zxcvbn).
    const user = { email: `bench-user-${i + 1}-${crypto.randomBytes(3).toString("hex")}@example.test`, password: crypto.randomBytes(16).toString("hex") };
    await registerPorticoUser(origin, user, `Bench User ${i + 1}`);
    users.push(user);
  }
  return users;
}

/** RFC 7591 dynamic registration with the initial access token (OIDC_REGISTRATION_TOKEN). */
export async function registerPorticoClient(origin: string, initialAccessToken: string, metadata: Record<string, unknown>): Promise<ClientCredentials> {
  const res = await fetch(`${origin}/oauth2/register`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${initialAccessToken}` },
    body: JSON.stringify(metadata),
  });
  const body = (await res.json()) as { client_id?: string; client_secret?: string; error?: string; error_description?: string };
  if (res.status !== 201 || !body.client_id || !body.client_secret) {
    throw new Error(`[bench] dynamic registration failed: HTTP ${res.status} ${body.error ?? ""} ${body.error_description ?? ""}`);
  }
  return { clientId: body.client_id, clientSecret: body.client_secret };
}
