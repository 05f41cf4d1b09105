// Who may read the dev outbox (/dev/mail), as one pure decision (guards.ts applies it). The page
// shows live reset links and sign-in codes: only an administrator reads it (the console's bar).
// Before any administrator exists (a first trial of `npm start`), a request from this machine may:
// loopback by the trusted client address (request-context.ts, never a header a client sets) and
// addressed to a loopback host name (a DNS-rebinding page on another name cannot read it).
export type OutboxAccess = "off" | "open_to_this_machine" | "administrator_only" | "forbidden";

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

export function isLoopbackIp(ip: string | undefined): boolean {
  return Boolean(ip && (/^127(\.\d{1,3}){3}$/.test(ip) || ip === "::1"));
}

export function outboxAccess(input: { devOutbox: boolean; administratorExists: boolean; clientIp: string | undefined; host: string }): OutboxAccess {
  if (!input.devOutbox) return "off";
  if (input.administratorExists) return "administrator_only";
  return isLoopbackIp(input.clientIp) && LOOPBACK_HOST.test(input.host) ? "open_to_this_machine" : "forbidden";
}
