// "Continue with …": one link per connection the sign-in page offers (lib/http connectionsOffered),
// in the application's order. Plain links to the start route: no JavaScript needed.
export function ConnectionButtons({ connections, next }: { connections: { slug: string; name: string }[]; next: string }) {
  if (connections.length === 0) return null;
  return (
    <div className="mt-5 space-y-2" aria-label="Other ways to sign in" role="group">
      <p className="text-center text-xs uppercase tracking-wide text-slate-500">or</p>
      {connections.map((c) => (
        <a
          key={c.slug}
          href={`/federation/${encodeURIComponent(c.slug)}/start?${new URLSearchParams({ next })}`}
          className="block w-full rounded-lg px-4 py-2.5 text-center text-sm font-semibold ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800"
        >
          Continue with {c.name}
        </a>
      ))}
    </div>
  );
}
