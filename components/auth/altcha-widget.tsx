"use client";
import { useEffect } from "react";

/** Self-hosted proof-of-work check: solved in the background, submitted as the hidden field `altcha`. */
export function AltchaWidget({ error }: { error?: string }) {
  useEffect(() => {
    void import("altcha");
  }, []);
  return (
    <div className="space-y-1.5">
      <altcha-widget
        challenge="/api/altcha/challenge"
        name="altcha"
        auto="onload"
        configuration={JSON.stringify({ hideLogo: true, hideFooter: true })}
        aria-describedby={error ? "captcha-error" : undefined}
      />
      {error ? (
        <p id="captcha-error" role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
