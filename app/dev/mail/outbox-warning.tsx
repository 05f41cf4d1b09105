import { Alert } from "@/components/ui/alert";

/** Said loudly on every outbox page: what it shows is enough to take over the accounts it names. */
export function OutboxWarning() {
  return (
    <div className="mt-3" data-testid="outbox-warning">
      <Alert tone="error">
        <strong>This outbox holds live secrets.</strong> Its messages carry working sign-in codes, verification and password reset links:
        whoever reads them can take over these accounts. It is for trials and tests only. In production set <code>SMTP_URL</code> and leave{" "}
        <code>PORTICO_DEV_OUTBOX</code> unset.
      </Alert>
    </div>
  );
}
