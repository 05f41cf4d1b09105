import type { ReactNode } from "react";
import { NavLink, Shell } from "@/components/ui/shell";

/** The console's frame: its sections, and the way back to the administrator's own account. */
export function AdminShell({ email, signOut, children }: { email: string; signOut: () => Promise<void>; children: ReactNode }) {
  const nav = (
    <>
      <NavLink href="/admin">Users</NavLink>
      <NavLink href="/admin/applications">Applications</NavLink>
      <NavLink href="/admin/keys">Signing keys</NavLink>
      <NavLink href="/admin/attributes">Attributes</NavLink>
      <NavLink href="/admin/risk">Risk</NavLink>
      <NavLink href="/admin/purposes">Purposes</NavLink>
      <NavLink href="/admin/preferences">Topics</NavLink>
      <NavLink href="/admin/legal">Terms</NavLink>
      <NavLink href="/account">Your account</NavLink>
    </>
  );
  return (
    <Shell home="/admin" label="Console" nav={nav} email={email} signOut={signOut}>
      {children}
    </Shell>
  );
}
