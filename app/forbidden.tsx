import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="text-sm font-semibold text-indigo-600">403</p>
      <h1 className="text-2xl font-semibold">You do not have access to this page</h1>
      <p className="text-slate-600 dark:text-slate-400">Your account does not have the role this page needs.</p>
      <Link href="/account" className="font-medium text-indigo-600 hover:underline">Back to your account</Link>
    </main>
  );
}
