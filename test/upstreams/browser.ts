// A browser, as far as an authorization round trip needs one: follows an upstream's redirects with
// a cookie jar until it is sent to the redirect URI, and hands back the callback's parameters.

/** The callback's query parameters once the upstream redirects to `redirectUri`. */
export async function followToCallback(authorizationUrl: string, redirectUri: string, maxHops = 10): Promise<URLSearchParams> {
  const answer = await followToAnswer(authorizationUrl, redirectUri, maxHops);
  if (answer.method !== "GET") throw new Error("the upstream answered with a form post, not a redirect");
  return answer.params;
}

/**
 * Where the upstream sends the browser back to `redirectUri`: a redirect (GET, its query), or a page
 * whose form posts itself there (OAuth 2.0 form_post, SAML's HTTP-POST binding: its hidden fields).
 */
export async function followToAnswer(authorizationUrl: string, redirectUri: string, maxHops = 10): Promise<{ method: "GET" | "POST"; params: URLSearchParams }> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < maxHops; hop++) {
    const target = new URL(url);
    if (`${target.origin}${target.pathname}` === redirectUri) return { method: "GET", params: target.searchParams };
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const c of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1).trim());
    }
    const location = res.headers.get("location");
    if (res.status === 200 && !location) {
      const posted = autoPostedForm(await res.text(), redirectUri);
      if (posted) return { method: "POST", params: posted };
      throw new Error(`the upstream stopped at ${target.pathname} with a page that posts nothing to the callback`);
    }
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`the upstream stopped at ${target.pathname} with HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    await res.body?.cancel();
    url = new URL(location, url).toString();
  }
  throw new Error("too many redirects");
}

/** The hidden fields of a page's form that posts to `action` (the auto-submitting page of form_post and SAML), or null. */
function autoPostedForm(html: string, action: string): URLSearchParams | null {
  const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const form = /<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form || unescape(form[1]!) !== action) return null;
  const params = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name !== undefined) params.append(unescape(name), unescape(value ?? ""));
  }
  return params;
}

/**
 * A provider's RP-initiated logout as a browser goes through it: its end_session_endpoint's "sign
 * out?" page (oidc-provider's form, with its xsrf field) answered yes, then its redirect followed
 * until it reaches `postLogoutRedirectUri`; that redirect's query parameters.
 */
export async function followUpstreamSignOut(endSessionUrl: string, postLogoutRedirectUri: string): Promise<URLSearchParams> {
  const first = await fetch(endSessionUrl, { redirect: "manual" });
  const html = await first.text();
  if (first.status !== 200) throw new Error(`the provider refused the sign-out with HTTP ${first.status}: ${html.slice(0, 300)}`);
  const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/i.exec(html)?.[1];
  if (!action || !xsrf) throw new Error("the provider's sign-out page has no confirmation form");
  const cookie = first.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const confirmed = await fetch(new URL(action, endSessionUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ xsrf, logout: "yes" }),
  });
  const location = confirmed.headers.get("location");
  if (!location) throw new Error(`the provider did not send the browser back (HTTP ${confirmed.status}): ${(await confirmed.text()).slice(0, 300)}`);
  const back = new URL(location, endSessionUrl);
  if (`${back.origin}${back.pathname}` !== postLogoutRedirectUri) throw new Error(`the provider sent the browser to ${back.origin}${back.pathname}`);
  return back.searchParams;
}
