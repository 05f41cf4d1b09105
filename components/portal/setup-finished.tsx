import Link from "next/link";

/** An enrolment page opened again after its setup expired or was completed. */
export function SetupFinished() {
  return (
    <p className="mt-6">
      This setup has expired or is finished.{" "}
      <Link href="/account/security" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
        Back to security settings
      </Link>
    </p>
  );
}
