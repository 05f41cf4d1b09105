// The shape of npm run bench:admin's measured queries, so that other console pages (a dashboard's
// counts, say) can add their own section: a module bench/lib/<name>.ts exporting
// `section: AdminBenchSection` is listed in bench/admin.ts SECTIONS and measured the same way
// (warm-up, many iterations, p50/p99, at each population size, plan checked at the largest).
import type { Actor } from "@/lib/users";

export interface SampleUser {
  id: string;
  email: string;
  displayName: string | null;
  familyName: string | null;
  phoneNumber: string | null;
}

export interface AdminBenchContext {
  /** Customers in the database. */
  users: number;
  /** A tenant-wide super administrator. */
  actor: Actor;
  /** Customers spread over the population, to vary the search terms. */
  sample: SampleUser[];
  now: Date;
}

export interface AdminBenchCase {
  name: string;
  /** One read; `i` (0, 1, 2, ...) varies the terms. */
  run: (i: number) => Promise<unknown>;
  /** The plan of run(i)'s query (EXPLAIN text); the bench fails when it reads "User" sequentially at the largest size. */
  plan?: (i: number) => Promise<string>;
}

export type AdminBenchSection = (ctx: AdminBenchContext) => Promise<AdminBenchCase[]>;
