// A real SMTP server (smtp-server) on a random localhost port, for tests that deliver mail.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface Received {
  rcpt: string[];
  raw: string;
}
export interface TestSmtp {
  url: string;
  received: Received[];
  /** Decides the reply to each DATA (counted from 1): undefined accepts, a number rejects with that code. */
  reject: (attempt: number) => number | undefined;
  attempts: number;
  close: () => Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const s: Partial<TestSmtp> = { received: [], reject: () => undefined, attempts: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const code = s.reject!((s.attempts = s.attempts! + 1));
        if (code) {
          const err = Object.assign(new Error(code >= 500 ? "mailbox unavailable" : "try again later"), {
            responseCode: code,
          });
          return callback(err);
        }
        s.received!.push({ rcpt: session.envelope.rcptTo.map((a) => a.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  s.url = `smtp://127.0.0.1:${port}`;
  s.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return s as TestSmtp;
}

/** Just enough MIME decoding to look for the subject and the link in each part. */
export function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
