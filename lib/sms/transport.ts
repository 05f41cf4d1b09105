// How a text message leaves. With SMS_GATEWAY_URL: a generic HTTP gateway (one JSON POST per
// message, bearer token); most SMS providers, or a small relay in front of one, take this shape.
// Without it: the dev outbox (the message is only recorded, and readable at /dev/mail).
import "server-only";
import { config } from "@/lib/config";
import { OutboundRequestError, safeFetch, type SafeResponse } from "@/lib/outbound";

export interface OutgoingSms {
  /** E.164. */
  to: string;
  text: string;
}

export interface SmsTransport {
  /** Stored on the row as `transport`. */
  readonly name: "http" | "outbox";
  /** Resolves with the provider's message id (when it gives one); rejects with SmsSendFailure. */
  send(sms: OutgoingSms): Promise<{ providerMessageId?: string }>;
}

/** A failed send; `permanent` when trying again cannot help (the gateway refused the request). */
export class SmsSendFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "SmsSendFailure";
  }
}

export const SEND_TIMEOUT_MS = 5000;

/**
 * POST {url} with `Authorization: Bearer {token}` and `{"to":"+E164","text":"…","from":"…"}`.
 * 2xx is sent (a JSON `id` or `messageId` in the answer is kept); 408, 429 and 5xx are worth one
 * more try; any other status is the gateway refusing this message. Redirects are not followed, and
 * the gateway's address passes the outbound SSRF guard (loopback only with OUTBOUND_ALLOW_LOOPBACK).
 */
export function httpGatewayTransport(opts: { url: string; token: string; from?: string; timeoutMs?: number }): SmsTransport {
  return {
    name: "http",
    async send(sms) {
      let res: SafeResponse;
      try {
        // Through the SSRF-safe client: the gateway URL is configuration, but it is still a URL we call.
        res = await safeFetch(
          opts.url,
          {
            method: "POST",
            headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/json", accept: "application/json" },
            body: JSON.stringify({ to: sms.to, text: sms.text, ...(opts.from ? { from: opts.from } : {}) }),
          },
          { timeoutMs: opts.timeoutMs ?? SEND_TIMEOUT_MS, maxResponseBytes: 64 * 1024 },
        );
      } catch (e) {
        if (e instanceof OutboundRequestError) {
          // A refused address, a redirect or an oversized answer will not change on a retry.
          throw new SmsSendFailure(e.code === "outbound.redirect_refused" ? `gateway answered ${e.status}: redirects are not followed` : `gateway unreachable: ${e.message}`, e.permanent);
        }
        throw new SmsSendFailure(`gateway unreachable: ${e instanceof Error ? e.message : String(e)}`, false);
      }
      const body = res.body;
      if (res.status < 200 || res.status > 299) {
        const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
        throw new SmsSendFailure(`gateway answered ${res.status}: ${body.slice(0, 200)}`, !retryable);
      }
      return { providerMessageId: messageIdIn(body) };
    },
  };
}

function messageIdIn(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { id?: unknown; messageId?: unknown };
    const id = json.id ?? json.messageId;
    return typeof id === "string" || typeof id === "number" ? String(id).slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

export const outboxSmsTransport: SmsTransport = {
  name: "outbox",
  async send() {
    return {};
  },
};

export function defaultSmsTransport(): SmsTransport {
  const c = config();
  return c.SMS_GATEWAY_URL && c.SMS_GATEWAY_TOKEN ? httpGatewayTransport({ url: c.SMS_GATEWAY_URL, token: c.SMS_GATEWAY_TOKEN, from: c.SMS_FROM }) : outboxSmsTransport;
}
