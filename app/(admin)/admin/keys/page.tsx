import type { Metadata } from "next";
import { requireAdmin } from "@/lib/http";
import { KEY_ACTIVATION_DELAY, listSigningKeysForAdmin, type KeyStatus } from "@/lib/keys";
import { rotateKeysAction } from "./actions";
import { tableFrame } from "@/components/ui/styles";

export const metadata: Metadata = { title: "Signing keys" };

const STATUS_TEXT: Record<KeyStatus, string> = {
  pending: "published, signs soon",
  active: "signing",
  retired: "retired, still published",
  unpublished: "unpublished",
};

const fmt = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "—");

export default async function SigningKeysPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin("/admin/keys", { permission: "keys:read" });
  const rotated = (await searchParams).rotated === "1";
  const keys = await listSigningKeysForAdmin({ id: session.user.id, roles: session.user.roles });
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Signing keys</h1>
      <p className="mt-2 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        Tokens are signed with ES256 or RS256 keys published at the JWKS endpoint. A rotation publishes new keys at once; they start
        signing {KEY_ACTIVATION_DELAY / 60_000} minutes later, and the keys they replace stay published until every token they signed has expired.
      </p>
      {rotated ? (
        <p role="status" className="mt-4 rounded-lg bg-emerald-50 px-4 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
          New keys published. They sign from {KEY_ACTIVATION_DELAY / 60_000} minutes from now.
        </p>
      ) : null}
      <form action={rotateKeysAction} className="mt-6">
        <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
          Rotate keys now
        </button>
      </form>
      <div className={`mt-6 ${tableFrame}`}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Signing keys, newest first</caption>
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Key id</th>
              <th scope="col" className="px-4 py-2 font-medium">Alg</th>
              <th scope="col" className="px-4 py-2 font-medium">Status</th>
              <th scope="col" className="px-4 py-2 font-medium">Published</th>
              <th scope="col" className="px-4 py-2 font-medium">Signs from</th>
              <th scope="col" className="px-4 py-2 font-medium">Retired</th>
              <th scope="col" className="px-4 py-2 font-medium">Unpublished</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.kid} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="px-4 py-2 font-mono text-xs">{k.kid}</td>
                <td className="px-4 py-2">{k.alg}</td>
                <td className="px-4 py-2">{STATUS_TEXT[k.status]}</td>
                <td className="px-4 py-2">{fmt(k.createdAt)}</td>
                <td className="px-4 py-2">{fmt(k.activatesAt)}</td>
                <td className="px-4 py-2">{fmt(k.retiredAt)}</td>
                <td className="px-4 py-2">{fmt(k.unpublishAt)}</td>
              </tr>
            ))}
            {keys.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-4 py-6 text-center text-slate-500">No keys yet: they are created when the server starts.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
