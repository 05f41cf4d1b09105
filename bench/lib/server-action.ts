// Builds password sign-in requests exactly as browsers send them to the `loginAction` server action.
//
// The login form is `<form action={formAction}>` fed by useActionState, so there are two wire forms:
// - "js": React (hydrated) calls the action with fetch: header `Next-Action: <id>`, body = React's
//   encodeReply([prevState, formData]) as multipart, with `js=1` (set by the form's submit handler).
//   The action then answers 200 with the session cookie and `{ redirectTo }`, and the page navigates
//   itself (a redirect() here would make Next render /account inside the same response).
// - "form": without JavaScript the browser posts the server-rendered form: multipart with hidden
//   fields `$ACTION_REF_1`, `$ACTION_1:0` ({id, bound}), `$ACTION_1:1` (bound prevState) and
//   `$ACTION_KEY`, no Next-Action header. A redirect() is a plain 303 with Location and no body.
// Both must carry an Origin equal to the Host, or Next refuses the action (its CSRF check).
// (Next bails out of application/x-www-form-urlencoded action posts, so multipart is the only form.)
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

export type Mode = "js" | "form";

export interface SignInRequest {
  method: "POST";
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const SESSION_COOKIE = "portico.session"; // lib/http/session-cookie.ts (no __Host- prefix on http://)
const DEVICE_COOKIE = "portico.did"; // lib/http/session-cookie.ts, the risk engine's device id

/** A server action's id from the build's server-reference manifest, e.g. ("app/(auth)/login", "loginAction"). */
export function findActionId(root: string, dir: string, exportedName: string): string {
  const file = path.join(root, ".next/server/server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string; workers?: Record<string, unknown> }>;
  };
  const matches = Object.entries(manifest.node).filter(
    ([, e]) =>
      (e.filename === `${dir}/actions.ts` || Object.keys(e.workers ?? {}).includes(`${dir}/page`)) && e.exportedName === exportedName,
  );
  if (matches.length !== 1) throw new Error(`[bench] expected one ${exportedName} in ${file}, found ${matches.length}`);
  return matches[0]![0];
}

/** The loginAction id from the build's server-reference manifest. */
export function findLoginActionId(root: string): string {
  return findActionId(root, "app/(auth)/login", "loginAction");
}

/** Serialise a FormData the way fetch() in a browser does (multipart, with its boundary). */
export async function multipart(fd: FormData): Promise<{ body: Buffer; contentType: string }> {
  const req = new Request("http://serialise.invalid/", { method: "POST", body: fd });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get("content-type")! };
}

/** React's client-side encodeReply, from the copy Next bundles for Turbopack builds (the same code
 *  the browser runs), so the argument encoding can't drift from what the server decodes. */
function encodeReply(root: string): (args: unknown[]) => Promise<string | FormData> {
  const require = createRequire(path.join(root, "package.json"));
  const mod = require("next/dist/compiled/react-server-dom-turbopack/client.edge") as {
    encodeReply: (args: unknown[]) => Promise<string | FormData>;
  };
  return mod.encodeReply;
}

const decodeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The hidden fields of the first <form> in a server-rendered page that `pick` accepts (what a
 *  browser without JS submits besides what the user types), or null when there is none. */
export function hiddenFormFields(html: string, pick: (formHtml: string) => boolean = () => true): [string, string][] | null {
  const form = [...html.matchAll(/<form[^>]*>([\s\S]*?)<\/form>/g)].map((m) => m[1]!).find(pick);
  if (form === undefined) return null;
  const fields: [string, string][] = [];
  for (const input of form.match(/<input[^>]*>/g) ?? []) {
    if (!/type="hidden"/.test(input)) continue;
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name) fields.push([decodeHtml(name), decodeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? "")]);
  }
  return fields;
}

/** The hidden fields of the server-rendered login form (what a browser without JS submits). */
async function loginFormHiddenFields(origin: string): Promise<[string, string][]> {
  const res = await fetch(`${origin}/login`);
  const html = await res.text();
  if (res.status !== 200) throw new Error(`[bench] GET /login -> ${res.status}`);
  const fields = hiddenFormFields(html);
  if (!fields) throw new Error("[bench] no <form> on /login");
  return fields;
}

export async function buildSignInRequest(opts: {
  mode: Mode;
  root: string;
  origin: string;
  actionId: string;
  email: string;
  password: string;
  next?: string;
}): Promise<SignInRequest> {
  const next = opts.next ?? "/account";
  const common = { origin: opts.origin, "user-agent": "portico-bench/1 (autocannon)" };
  if (opts.mode === "js") {
    const fd = new FormData();
    fd.set("next", next);
    fd.set("email", opts.email);
    fd.set("password", opts.password);
    fd.set("js", "1");
    // useActionState calls action(prevState, formData); the initial state is {}.
    const encoded = await encodeReply(opts.root)([{}, fd]);
    const { body, contentType } =
      typeof encoded === "string" ? { body: Buffer.from(encoded), contentType: "text/plain;charset=UTF-8" } : await multipart(encoded);
    // No Next-Router-State-Tree: Next drops it when it renders a redirect target anyway.
    return {
      method: "POST",
      path: "/login",
      headers: { ...common, "next-action": opts.actionId, accept: "text/x-component", "content-type": contentType },
      body,
    };
  }
  const hidden = await loginFormHiddenFields(opts.origin);
  // The page must reference the same action the manifest names (a rebuild in between would not).
  const ref = hidden.find(([k]) => /^\$ACTION_\d+:0$/.test(k))?.[1];
  if (!ref || (JSON.parse(ref) as { id?: string }).id !== opts.actionId) {
    throw new Error(`[bench] /login form references action ${ref}, manifest says ${opts.actionId}`);
  }
  const fd = new FormData();
  for (const [k, v] of hidden) fd.set(k, k === "next" ? next : v);
  fd.set("email", opts.email);
  fd.set("password", opts.password);
  const { body, contentType } = await multipart(fd);
  return { method: "POST", path: "/login", headers: { ...common, "content-type": contentType }, body };
}

/** Did this response sign the user in? Judged from status and headers only, so it works with the
 *  flat header list autocannon hands us as well as with fetch's Headers. */
export function isSuccessfulSignIn(mode: Mode, status: number, headers: [string, string][]): boolean {
  const get = (name: string) => headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);
  const setsSession = get("set-cookie").some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !/Max-Age=0\b/i.test(c));
  if (!setsSession) return false;
  if (mode === "js") return status === 200;
  return status === 303 && get("location").some((v) => v.startsWith("/account"));
}

function headerPairs(h: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  h.forEach((v, k) => {
    if (k !== "set-cookie") pairs.push([k, v]);
  });
  for (const c of h.getSetCookie()) pairs.push(["set-cookie", c]);
  return pairs;
}

async function send(origin: string, req: SignInRequest): Promise<Response> {
  return fetch(origin + req.path, { method: req.method, headers: req.headers, body: new Uint8Array(req.body), redirect: "manual" });
}

/**
 * Before measuring anything: a wrong password must not sign in, the right one must, and the cookie
 * it sets must open /account. Otherwise the benchmark would be timing error pages.
 */
export async function verifySignIn(opts: { mode: Mode; origin: string; good: SignInRequest; bad: SignInRequest }): Promise<{ deviceCookie: string }> {
  // A wrong password re-renders the form (200) without a session; this also proves that our cookie
  // test can tell the two apart. (One failure stays below LOGIN_DELAY_AFTER; the success clears it.)
  const bad = await send(opts.origin, opts.bad);
  await bad.arrayBuffer();
  if (bad.status !== 200 || isSuccessfulSignIn(opts.mode, bad.status, headerPairs(bad.headers))) {
    throw new Error(`[bench] ${opts.mode}: a wrong password got status ${bad.status} or a session`);
  }
  const good = await send(opts.origin, opts.good);
  await good.arrayBuffer();
  const pairs = headerPairs(good.headers);
  if (!isSuccessfulSignIn(opts.mode, good.status, pairs)) {
    throw new Error(`[bench] ${opts.mode}: correct credentials did not sign in: status ${good.status}, headers ${JSON.stringify(pairs)}`);
  }
  const cookie = good.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(";")[0]!;
  const account = await fetch(`${opts.origin}/account`, { headers: { cookie }, redirect: "manual" });
  const html = await account.text();
  if (account.status !== 200 || !html.includes('data-testid="account-email"')) {
    throw new Error(`[bench] ${opts.mode}: the session cookie did not open /account (status ${account.status})`);
  }
  // The risk engine's device id (lib/risk/device.ts): sent back, it makes every measured sign-in a
  // returning customer on a known device (the common case), as a real browser would be.
  // (A browser that already holds one keeps it: the sign-in sets none.)
  const deviceCookie =
    good.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`))?.split(";")[0] ??
    opts.good.headers.cookie?.split("; ").find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
  if (!deviceCookie) throw new Error(`[bench] ${opts.mode}: the sign-in set no ${DEVICE_COOKIE} cookie`);
  return { deviceCookie };
}

/** The same request sent from a browser that holds `cookie`. */
export function withCookie(req: SignInRequest, cookie: string): SignInRequest {
  return { ...req, headers: { ...req.headers, cookie } };
}
