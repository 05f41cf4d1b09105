// A local stand-in for an SMS provider's HTTP API (what SMS_GATEWAY_URL points at): it records
// every request and answers with whatever status the test queues next (200 by default).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface GatewayRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: { to?: string; text?: string; from?: string };
}

export class FakeSmsGateway {
  readonly requests: GatewayRequest[] = [];
  private readonly answers: { status: number; body?: string }[] = [];
  private server?: http.Server;
  private seq = 0;

  /** The next requests get these answers, in order; after them, 200 with a message id. */
  answerNext(...answers: { status: number; body?: string }[]): void {
    this.answers.push(...answers);
  }

  async listen(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", () => {
        let body = {};
        try {
          body = JSON.parse(raw);
        } catch {}
        this.requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, contentType: req.headers["content-type"], body });
        const answer = this.answers.shift() ?? { status: 200, body: JSON.stringify({ id: `msg-${++this.seq}` }) };
        res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body ?? "{}");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The six-digit code in the last message to `to`. */
  lastCodeTo(to: string): string {
    const text = this.requests.filter((r) => r.body.to === to).at(-1)?.body.text ?? "";
    const m = text.match(/\b(\d{6})\b/);
    if (!m) throw new Error(`no code texted to ${to}; got: ${JSON.stringify(this.requests.map((r) => r.body))}`);
    return m[1]!;
  }
}
