import type { Metadata } from "next";
import { requireSession } from "@/lib/http";
import { connectedApplications } from "@/lib/oidc";
import { listAccountSessions, type AccountSessionView } from "@/lib/sign-in";
import { Alert } from "@/components/ui/alert";
import { ConnectedApps } from "@/components/portal/connected-apps";
import { SessionActionButton } from "@/components/portal/session-action-button";
import { surface } from "@/components/ui/styles";
import { withdrawAccessAction } from "../apps/actions";
import { signOutOtherSessionsAction, signOutSessionAction } from "./actions";

export const metadata: Metadata = { title: "Sessions" };

const NOTICES = {
  one: "That session is signed out.",
  others: "Every other session is signed out.",
} as const;

export default async function SessionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/account/sessions");
  const [sessions, apps] = await Promise.all([listAccountSessions(session.user.id, session.id), connectedApplications(session.user.id)]);
  const { signedOut } = await searchParams;
  // Own keys only: a query such as ?signedOut=__proto__ must not reach the prototype.
  const notice = typeof signedOut === "string" && Object.hasOwn(NOTICES, signedOut) ? NOTICES[signedOut as keyof typeof NOTICES] : undefined;
  const others = sessions.filter((s) => !s.current).length;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Sessions</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        Where your account is signed in. Signing a session out also signs out the applications you signed in to there. Places are approximate, from the network address.
      </p>
      {notice ? (
        <div className="mt-4">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}
      <section aria-labelledby="browsers" className="mt-6 space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="browsers" className="text-lg font-semibold">Signed-in browsers</h2>
          {others > 0 ? <SessionActionButton action={signOutOtherSessionsAction} label="Sign out all other sessions" /> : null}
        </div>
        <ul className="space-y-3" data-testid="sessions">
          {sessions.map((s) => (
            <SessionRow key={s.id} session={s} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="apps" className="mt-10">
        <h2 id="apps" className="text-lg font-semibold">Connected applications</h2>
        <ConnectedApps apps={apps} removeAction={withdrawAccessAction} headingLevel={3} />
      </section>
    </>
  );
}

function SessionRow({ session: s }: { session: AccountSessionView }) {
  const device = `${s.browser ?? "Unknown browser"} on ${s.system ?? "an unknown system"}`;
  return (
    <li className={`${surface} flex flex-wrap items-start justify-between gap-4 p-5`} data-testid="session" data-current={s.current ? "true" : undefined}>
      <div className="space-y-1">
        <p className="font-medium">
          {device}
          {s.current ? <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100">This browser</span> : null}
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {s.place ?? "Unknown location"}
          {s.ip ? <> · <span className="font-mono">{s.ip}</span></> : null}
        </p>
        <p className="text-xs text-slate-500">
          Started <time dateTime={s.startedAt.toISOString()}>{s.startedAt.toUTCString()}</time> · last active{" "}
          <time dateTime={s.lastActiveAt.toISOString()}>{s.lastActiveAt.toUTCString()}</time>
        </p>
      </div>
      {s.current ? null : <SessionActionButton action={signOutSessionAction} session={s.id} label="Sign out" ariaLabel={`Sign out ${device}, started ${s.startedAt.toUTCString()}`} />}
    </li>
  );
}
