// A minimal browser for scripted flows: fetch with redirects handled by the caller, a cookie jar that
// honours Path, Max-Age and Expires (one host, so Domain is ignored), and per-step timings.
export class CookieJar {
  private cookies = new Map<string, { value: string; path: string }>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      let path = "/";
      let expired = false;
      for (const a of attrs) {
        const [k, v = ""] = a.split("=").map((s) => s.trim());
        const key = k!.toLowerCase();
        if (key === "path" && v.startsWith("/")) path = v;
        if (key === "max-age" && Number(v) <= 0) expired = true;
        if (key === "expires" && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${name}\u0000${path}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { value, path });
    }
  }

  /** The Cookie header for a request to `pathname` (longer paths first, as browsers send them). */
  header(pathname: string): string | undefined {
    const matching = [...this.cookies.entries()]
      .filter(([, c]) => pathname === c.path || pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .sort(([, a], [, b]) => b.path.length - a.path.length)
      .map(([id, c]) => `${id.split("\u0000")[0]}=${c.value}`);
    return matching.length ? matching.join("; ") : undefined;
  }

  /** A cookie's value (path ignored: one name, one cookie in these flows), or undefined. */
  get(name: string): string | undefined {
    for (const [id, c] of this.cookies) if (id.split("\u0000")[0] === name) return c.value;
    return undefined;
  }

  /** Sets a cookie as if the server had (path /): a browser's long-lived cookies from an earlier visit. */
  put(name: string, value: string): void {
    this.cookies.set(`${name}\u0000/`, { value, path: "/" });
  }

  has(name: string): boolean {
    return [...this.cookies.keys()].some((id) => id.split("\u0000")[0] === name);
  }
}

/** A failed flow step; `reason` is what the failure tally counts (keep it free of random values). */
export class FlowError extends Error {
  constructor(readonly reason: string, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  location: URL | null;
  body: string;
}

/** Step durations of one flow, in ms, in the order they ran. */
export type StepTimes = [string, number][];

export class Browser {
  readonly jar = new CookieJar();
  readonly steps: StepTimes = [];
  constructor(
    readonly origin: string,
    private readonly userAgent = "portico-bench/1 (flow)",
    /** Called after each request's answer is read (bench:queries counts the statements it ran). */
    private readonly afterStep?: (step: string) => Promise<void>,
  ) {}

  async request(step: string, target: string | URL, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Page> {
    const url = new URL(target, this.origin);
    if (url.origin !== this.origin) throw new FlowError(`${step}: left the provider`, url.href);
    const headers: Record<string, string> = { "user-agent": this.userAgent, accept: "text/html,application/json;q=0.9,*/*;q=0.8", ...init.headers };
    const cookie = this.jar.header(url.pathname);
    if (cookie) headers.cookie = cookie;
    const t0 = performance.now();
    let res: Response;
    let body: string;
    try {
      res = await fetch(url, { method: init.method ?? "GET", headers, body: init.body, redirect: "manual" });
      body = await res.text();
    } catch (e) {
      throw new FlowError(`${step}: network error`, (e as Error).message);
    }
    this.steps.push([step, performance.now() - t0]);
    await this.afterStep?.(step);
    this.jar.store(res);
    const loc = res.headers.get("location");
    return { url, status: res.status, headers: res.headers, location: loc === null ? null : new URL(loc, url), body };
  }
}

export const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
