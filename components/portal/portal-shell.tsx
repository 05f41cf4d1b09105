import type { ReactNode } from "react";
import { NavLink, Shell } from "@/components/ui/shell";

/** The customer's frame: their account, profile, security, sessions and apps; an administrator also sees the way to the console. */
export function PortalShell({ email, isConsoleUser, signOut, children }: { email: string; isConsoleUser: boolean; signOut: () => Promise<void>; children: ReactNode }) {
  const nav = (
    <>
      <NavLink href="/account">Account</NavLink>
      <NavLink href="/account/profile">Profile</NavLink>
      <NavLink href="/account/security">Security</NavLink>
      <NavLink href="/account/sessions">Sessions</NavLink>
      <NavLink href="/account/linked">Linked accounts</NavLink>
      <NavLink href="/account/apps">Apps</NavLink>
      <NavLink href="/account/activity">Activity</NavLink>
      <NavLink href="/account/privacy">Privacy</NavLink>
      <NavLink href="/account/preferences">Preferences</NavLink>
      <NavLink href="/account/data">Your data</NavLink>
      {isConsoleUser ? <NavLink href="/admin">Admin</NavLink> : null}
    </>
  );
  return (
    <Shell home="/account" label="Main" nav={nav} email={email} signOut={signOut}>
      {children}
    </Shell>
  );
}
