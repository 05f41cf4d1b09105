"use client";
import { useEffect, useState } from "react";
import type { PasswordEvaluation } from "@/lib/credentials/password-policy";

const labels = ["Very weak", "Weak", "Fair", "Strong", "Very strong"] as const;
const colours = ["bg-red-500", "bg-orange-500", "bg-amber-400", "bg-emerald-500", "bg-emerald-600"] as const;

/** The same policy code the server enforces, loaded lazily (it carries a 49k-word blocklist). */
export function PasswordStrength({ password, email, displayName }: { password: string; email?: string; displayName?: string }) {
  const [evaluated, setEvaluated] = useState<{ password: string; result: PasswordEvaluation } | null>(null);
  useEffect(() => {
    if (!password) return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      const { evaluatePassword } = await import("@/lib/credentials/password-policy");
      if (!cancelled) setEvaluated({ password, result: evaluatePassword(password, { email, displayName, singleFactor: true }) });
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [password, email, displayName]);
  const result = password && evaluated?.password === password ? evaluated.result : null;
  if (!result) return <span>Use at least 15 characters. A few unrelated words make a strong, memorable password.</span>;
  const acceptable = result.issues.length === 0;
  const score = acceptable ? Math.max(result.score, 2) : Math.min(result.score, 1);
  return (
    <div aria-live="polite" data-testid="password-strength">
      <div className="mb-1 flex gap-1" aria-hidden>
        {[0, 1, 2, 3, 4].map((i) => (
          <span key={i} className={`h-1.5 flex-1 rounded-full ${i <= score ? colours[score] : "bg-slate-200 dark:bg-slate-700"}`} />
        ))}
      </div>
      <span>
        Strength: {labels[score]}
        {acceptable ? "" : ` — ${result.issues[0]!.message}`}
      </span>
    </div>
  );
}
