// A browser, as far as an authorization round trip needs one: follows an upstream's redirects with
// a cookie jar until it is sent to the redirect URI, and hands back the callback's parameters.

/** The callback's query parameters once the upstream redirects to `redirectUri`. */
export async function followToCallback(authorizationUrl: string, redirectUri: string, maxHops = 10): Promise<URLSearchParams> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < maxHops; hop++) {
    const target = new URL(url);
    if (`${target.origin}${target.pathname}` === redirectUri) return target.searchParams;
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
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`the upstream stopped at ${target.pathname} with HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    await res.body?.cancel();
    url = new URL(location, url).toString();
  }
  throw new Error("too many redirects");
}
