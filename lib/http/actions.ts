// The wrappers of server actions, one per caller: a visitor (publicAction), a signed-in customer
// (customerAction) and an administrator holding a permission (adminAction). Each one checks the
// caller (pages and layouts are not the only way to reach an action: its id can be posted
// directly), parses the input with a zod schema, runs the handler, and maps what it throws to form
// state in one place (form-action.ts formErrorFrom: a DomainError's message tied to its field).
// The domain functions check permissions again.
import "server-only";
import { z } from "zod";
import type { Actor, Permission } from "@/lib/users";
import type { ActiveSession } from "@/lib/sessions";
import { adminActionActor, requireRecentSession, requireSession } from "./guards";
import { currentSession } from "./session-cookie";
import { fieldErrorsOf, formErrorFrom, type FormState } from "./form-action";

/** How an action reads its arguments: a form action gets (previous state, FormData). */
export interface InputSpec<A extends unknown[], I> {
  schema: z.ZodType<I>;
  /** What the schema parses, taken from the action's arguments. */
  input: (...args: A) => unknown;
  /** Non-secret inputs echoed back with an error, so the form keeps what was typed. */
  echo?: (...args: A) => Record<string, string>;
  /** The answer when the input does not parse; by default the schema's messages by field. */
  invalid?: (fieldErrors: Record<string, string>) => FormState;
}

type Handler<I, C, S> = (input: I, caller: C) => Promise<S>;

/** A form action's arguments. */
export type FormArgs<S> = [previous: S, form: FormData];

/** For actions without input (a button). */
export const noInput = { schema: z.object({}), input: () => ({}) };

async function run<A extends unknown[], I, C, S extends FormState>(args: A, spec: InputSpec<A, I>, caller: C, handler: Handler<I, C, S>): Promise<S> {
  const echo = spec.echo?.(...args);
  try {
    const raw = await spec.input(...args);
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      return (spec.invalid ? { ...spec.invalid(fieldErrors), values: echo } : { fieldErrors, values: echo }) as S;
    }
    return await handler(parsed.data, caller);
  } catch (e) {
    return formErrorFrom(e, echo) as S;
  }
}

/** A visitor's action (registration, recovery links): no session needed. */
export function publicAction<A extends unknown[], I, S extends FormState>(spec: InputSpec<A, I>, handler: Handler<I, undefined, S>): (...args: A) => Promise<S> {
  return async (...args) => run(args, spec, undefined, handler);
}

export interface CustomerGuard {
  /** Where to come back to after signing in (the guard redirects to /login with it). */
  returnTo: string;
  /** Sudo mode: changing how the account signs in needs a sign-in from the last 15 minutes. */
  recentSignIn?: boolean;
  /** Answer this instead of redirecting when there is no session (a form inside a page that stays). */
  signedOutMessage?: string;
}

/** A signed-in customer's action. */
export function customerAction<A extends unknown[], I, S extends FormState>(
  spec: InputSpec<A, I> & CustomerGuard,
  handler: Handler<I, ActiveSession, S>,
): (...args: A) => Promise<S> {
  return async (...args) => {
    let session: ActiveSession;
    if (spec.signedOutMessage) {
      const current = await currentSession();
      if (!current) return { message: spec.signedOutMessage, values: spec.echo?.(...args) } as S;
      session = current;
    } else {
      session = spec.recentSignIn ? await requireRecentSession(spec.returnTo) : await requireSession(spec.returnTo);
    }
    return run(args, spec, session, handler);
  };
}

export interface AdminGuard<A extends unknown[]> {
  /** What the action needs (the roles hold subsets: lib/users/permissions.ts); the domain function checks it again, with its scope. */
  permission: Permission;
  /** Where to come back to after signing in again. */
  returnTo: string | ((...args: A) => string);
}

/**
 * An administrator's action: the full console bar (strong second factor, two-factor session, a
 * sign-in from the last 15 minutes: guards.ts adminActionActor) and the permission.
 */
export function adminAction<A extends unknown[], I, S extends FormState>(spec: InputSpec<A, I> & AdminGuard<A>, handler: Handler<I, Actor, S>): (...args: A) => Promise<S> {
  return async (...args) => {
    const actor = await administrator(spec.permission, typeof spec.returnTo === "function" ? spec.returnTo(...args) : spec.returnTo);
    return run(args, spec, actor, handler);
  };
}

/** The administrator behind an action without form state (a button that redirects). */
export async function administrator(permission: Permission, returnTo: string): Promise<Actor> {
  // The permission is checked first (403), then the console's bar; the domain function checks again.
  return adminActionActor(permission, returnTo);
}
