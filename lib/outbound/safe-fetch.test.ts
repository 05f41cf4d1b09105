import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { classifyAddress, refusedHostReason, type AddressPolicy } from "./address-policy";
import { guardedLookup, safeFetch, type Resolver } from "./safe-fetch";

const STRICT: AddressPolicy = { allowLoopback: false, allowPrivate: false };
const LOOPBACK: AddressPolicy = { allowLoopback: true, allowPrivate: false };

// --- a real server on a random localhost port ----------------------------------------------------

let server: http.Server;
let port: number;
let hits: string[] = [];
let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  hits = [];
  handler = (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok");
});

/** A resolver that answers `name` with the given addresses (and counts its calls). */
function fakeDns(answers: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (async (hostname: string) => {
    calls.push(hostname);
    const list = answers[hostname];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  }) as unknown as Resolver & { calls: string[] };
  resolve.calls = calls;
  return resolve;
}

const post = { method: "POST" as const, headers: { "content-type": "text/plain" }, body: "x" };

describe("address classes (SSRF guard)", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["100.127.255.254", "private"],
    ["fc00::1", "private"],
    ["fd00::1", "private"],
    ["fd12:3456::7", "private"],
    ["169.254.1.1", "link_local"],
    ["fe80::1", "link_local"],
    ["febf::1", "link_local"],
    ["169.254.169.254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["255.255.255.255", "reserved"],
    ["192.0.2.1", "reserved"],
    ["2001:db8::1", "reserved"],
    // IPv4 inside IPv6: mapped (both spellings), NAT64, 6to4.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:7f00:1::", "loopback"],
    ["93.184.216.34", "public"],
    ["172.32.0.1", "public"],
    ["100.128.0.1", "public"],
    ["2606:4700:4700::1111", "public"],
    ["::ffff:93.184.216.34", "public"],
  ])("%s is %s", (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it("refuses metadata and localhost names before any lookup", () => {
    expect(refusedHostReason("metadata.google.internal", LOOPBACK)).toMatch(/metadata/);
    expect(refusedHostReason("METADATA.google.internal.", LOOPBACK)).toMatch(/metadata/);
    expect(refusedHostReason("localhost", STRICT)).toMatch(/loopback/);
    expect(refusedHostReason("api.localhost", STRICT)).toMatch(/loopback/);
    expect(refusedHostReason("localhost", LOOPBACK)).toBeNull();
    expect(refusedHostReason("[::1]", STRICT)).toMatch(/loopback/);
    expect(refusedHostReason("rp.example.com", STRICT)).toBeNull();
  });

  it("reads OUTBOUND_ALLOW_LOOPBACK and OUTBOUND_ALLOW_PRIVATE (default off, validated)", () => {
    const base = { PORTICO_SECRET: "a".repeat(64) };
    expect(parseConfig(base)).toMatchObject({ OUTBOUND_ALLOW_LOOPBACK: false, OUTBOUND_ALLOW_PRIVATE: false });
    expect(parseConfig({ ...base, OUTBOUND_ALLOW_LOOPBACK: "1", OUTBOUND_ALLOW_PRIVATE: "true" })).toMatchObject({ OUTBOUND_ALLOW_LOOPBACK: true, OUTBOUND_ALLOW_PRIVATE: true });
    expect(() => parseConfig({ ...base, OUTBOUND_ALLOW_LOOPBACK: "yes" })).toThrow(/OUTBOUND_ALLOW_LOOPBACK/);
  });
});

describe("safeFetch", () => {
  it("refuses literal addresses of every internal range without connecting", async () => {
    const urls = [
      `http://127.0.0.1:${port}/a`,
      `http://[::1]:${port}/a`,
      `http://[::ffff:127.0.0.1]:${port}/a`,
      `http://2130706433:${port}/a`, // 127.0.0.1 as one number
      `http://0x7f.1:${port}/a`,
      "http://10.0.0.1/a",
      "http://172.16.5.4/a",
      "http://192.168.0.1/a",
      "http://100.64.0.1/a",
      "http://169.254.169.254/latest/meta-data/",
      "http://[fe80::1]/a",
      "http://[fd00::1]/a",
      "http://[fd00:ec2::254]/a",
      "http://224.0.0.1/a",
      "http://0.0.0.0/a",
      "http://[::]/a",
      "http://metadata.google.internal/computeMetadata/v1/",
      `http://localhost:${port}/a`,
    ];
    for (const url of urls) {
      await expect(safeFetch(url, post, { policy: STRICT }), url).rejects.toMatchObject({ code: "outbound.forbidden_address", permanent: true });
    }
    expect(hits).toEqual([]);
  });

  it("refuses a name that resolves to 127.0.0.1, checked by the connection's own lookup", async () => {
    const dns = fakeDns({ "rp.example.test": ["127.0.0.1"] });
    await expect(safeFetch(`http://rp.example.test:${port}/hook`, post, { policy: STRICT, resolver: dns })).rejects.toMatchObject({ code: "outbound.forbidden_address", message: expect.stringMatching(/resolves to a loopback address 127\.0\.0\.1/) });
    expect(hits).toEqual([]);
    // The same name is resolved once, at connect time: no earlier check a rebinding answer could pass.
    expect(dns.calls).toEqual(["rp.example.test"]);
    // Allowed loopback: the same lookup connects to the real server.
    const ok = await safeFetch(`http://rp.example.test:${port}/hook`, post, { policy: LOOPBACK, resolver: dns });
    expect(ok).toMatchObject({ status: 200, body: "ok" });
    expect(hits).toEqual(["/hook"]);
  });

  it("refuses a name when any of its addresses is internal (rebinding with several records)", async () => {
    const dns = fakeDns({ "mixed.example.test": ["93.184.216.34", "169.254.169.254"], "v6.example.test": ["fd00::5"], "mapped.example.test": ["::ffff:10.1.1.1"] });
    for (const host of ["mixed.example.test", "v6.example.test", "mapped.example.test"]) {
      await expect(safeFetch(`http://${host}/`, post, { policy: LOOPBACK, resolver: dns }), host).rejects.toMatchObject({ code: "outbound.forbidden_address" });
    }
  });

  it("the lookup answers in both of net's shapes and lets private ranges through only when allowed", async () => {
    const dns = fakeDns({ "gw.corp.test": ["10.0.0.7"] });
    const lookup = (policy: AddressPolicy, all: boolean) =>
      new Promise<unknown>((resolve, reject) => guardedLookup(policy, dns)("gw.corp.test", { all }, (err, address, family) => (err ? reject(err) : resolve(all ? address : [address, family]))));
    await expect(lookup(STRICT, false)).rejects.toMatchObject({ code: "outbound.forbidden_address" });
    await expect(lookup({ allowLoopback: false, allowPrivate: true }, false)).resolves.toEqual(["10.0.0.7", 4]);
    await expect(lookup({ allowLoopback: false, allowPrivate: true }, true)).resolves.toEqual([{ address: "10.0.0.7", family: 4 }]);
  });

  it("connects to localhost only when loopback is allowed", async () => {
    await expect(safeFetch(`http://localhost:${port}/a`, post, { policy: STRICT })).rejects.toMatchObject({ code: "outbound.forbidden_address" });
    handler = (_req, res) => res.writeHead(201).end("created");
    // `localhost` may resolve to ::1 first while the server listens on 127.0.0.1 only: use the name with an IPv4 answer.
    const dns = fakeDns({ localhost: ["127.0.0.1"] });
    await expect(safeFetch(`http://localhost:${port}/a`, post, { policy: LOOPBACK, resolver: dns })).resolves.toMatchObject({ status: 201, body: "created" });
    await expect(safeFetch(`http://127.0.0.1:${port}/b`, post, { policy: LOOPBACK })).resolves.toMatchObject({ status: 201 });
    expect(hits).toEqual(["/a", "/b"]);
  });

  it("sends PUT, PATCH and DELETE (SCIM provisioning) under the same guard; a DELETE carries no body", async () => {
    const seen: { method: string; body: string; type?: string }[] = [];
    handler = (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ method: req.method!, body, type: req.headers["content-type"] });
        res.writeHead(req.method === "DELETE" ? 204 : 200).end(req.method === "DELETE" ? undefined : "done");
      });
    };
    const json = { "content-type": "application/scim+json" };
    await expect(safeFetch(`http://127.0.0.1:${port}/Users/1`, { method: "PUT", headers: json, body: '{"a":1}' }, { policy: LOOPBACK })).resolves.toMatchObject({ status: 200, body: "done" });
    await expect(safeFetch(`http://127.0.0.1:${port}/Users/1`, { method: "PATCH", headers: json, body: '{"b":2}' }, { policy: LOOPBACK })).resolves.toMatchObject({ status: 200 });
    await expect(safeFetch(`http://127.0.0.1:${port}/Users/1`, { method: "DELETE", body: "ignored" }, { policy: LOOPBACK })).resolves.toMatchObject({ status: 204, body: "" });
    expect(seen).toEqual([
      { method: "PUT", body: '{"a":1}', type: "application/scim+json" },
      { method: "PATCH", body: '{"b":2}', type: "application/scim+json" },
      { method: "DELETE", body: "", type: undefined },
    ]);
    // The guard does not depend on the method.
    for (const method of ["PUT", "PATCH", "DELETE"] as const) {
      await expect(safeFetch(`http://127.0.0.1:${port}/Users/1`, { method, body: "x" }, { policy: STRICT }), method).rejects.toMatchObject({ code: "outbound.forbidden_address" });
      const dns = fakeDns({ "scim.example.test": ["127.0.0.1"] });
      await expect(safeFetch(`http://scim.example.test:${port}/Users/1`, { method }, { policy: STRICT, resolver: dns }), method).rejects.toMatchObject({ code: "outbound.forbidden_address" });
    }
    expect(seen).toHaveLength(3);
  });

  it("never follows a redirect (to an internal address or anywhere)", async () => {
    handler = (req, res) => {
      if (req.url === "/start") res.writeHead(302, { location: `http://127.0.0.1:${port}/internal` }).end();
      else res.writeHead(200).end("internal secret");
    };
    await expect(safeFetch(`http://127.0.0.1:${port}/start`, post, { policy: LOOPBACK })).rejects.toMatchObject({ code: "outbound.redirect_refused", status: 302, permanent: true });
    await expect(safeFetch(`http://127.0.0.1:${port}/start`, { method: "GET" }, { policy: LOOPBACK })).rejects.toMatchObject({ code: "outbound.redirect_refused" });
    expect(hits).toEqual(["/start", "/start"]);
  });

  it("caps the response size, declared or streamed", async () => {
    handler = (req, res) => {
      const big = "x".repeat(10_000);
      if (req.url === "/declared") res.writeHead(200, { "content-length": String(big.length) }).end(big);
      else {
        res.writeHead(200); // chunked, no length
        for (let i = 0; i < 10; i++) res.write(big);
        res.end();
      }
    };
    for (const path of ["/declared", "/streamed"]) {
      await expect(safeFetch(`http://127.0.0.1:${port}${path}`, { method: "GET" }, { policy: LOOPBACK, maxResponseBytes: 4096 }), path).rejects.toMatchObject({ code: "outbound.response_too_large" });
    }
    await expect(safeFetch(`http://127.0.0.1:${port}/declared`, { method: "GET" }, { policy: LOOPBACK, maxResponseBytes: 20_000 })).resolves.toMatchObject({ status: 200 });
  });

  it("gives up after the timeout, also on a server that sends headers and then stalls", async () => {
    handler = (req, res) => {
      if (req.url === "/stall") res.writeHead(200).write("partial");
      // "/hang": never answers
    };
    for (const path of ["/hang", "/stall"]) {
      const started = Date.now();
      await expect(safeFetch(`http://127.0.0.1:${port}${path}`, { method: "GET" }, { policy: LOOPBACK, timeoutMs: 300 }), path).rejects.toMatchObject({ code: "outbound.timeout", permanent: false });
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it("refuses URLs that are not http(s) or carry credentials", async () => {
    for (const url of ["file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "http://u:p@example.com/", "not a url"]) {
      await expect(safeFetch(url, post, { policy: LOOPBACK }), url).rejects.toMatchObject({ code: "outbound.invalid_url" });
    }
  });
});
