// The audit log's retention (super administrators: audit:retention).
import type { Metadata } from "next";
import Link from "next/link";
import { AuditRetentionForm } from "@/components/admin/audit-retention-form";
import { surface } from "@/components/ui/styles";
import { requireAdmin } from "@/lib/http";
import { auditRetention } from "@/lib/audit-admin";
import { saveRetentionAction } from "./actions";

export const metadata: Metadata = { title: "Audit log retention" };
export const dynamic = "force-dynamic";

export default async function AuditSettingsPage() {
  const session = await requireAdmin("/admin/audit/settings", { permission: "audit:retention" });
  const { days } = await auditRetention({ id: session.user.id, roles: session.user.roles });
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/audit" className="underline-offset-2 hover:underline">
          ← Audit log
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Audit log retention</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400" data-testid="audit-retention-now">
        {days === null ? "Events are kept forever." : `Events older than ${days} days are deleted.`} Changing this is recorded in the audit log.
      </p>
      <section className={`${surface} mt-6 max-w-xl p-6`}>
        <AuditRetentionForm action={saveRetentionAction} days={days} />
      </section>
    </>
  );
}
