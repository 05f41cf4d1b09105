// A unique constraint refused a write (Prisma P2002): the one way repos tell "taken" from a failure,
// so the constraint decides even when two writes race (a read before the insert lets both through).
import { Prisma } from "./generated/client";

/**
 * Whether `e` is a unique violation, on `column` when given. Driver adapters name the columns
 * under meta.driverAdapterError.cause.constraint.fields; the classic engine under meta.target.
 */
export function isUniqueViolation(e: unknown, column?: string): boolean {
  if (!(e instanceof Prisma.PrismaClientKnownRequestError) || e.code !== "P2002") return false;
  if (!column) return true;
  const meta = e.meta as { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } } } | undefined;
  const fields = meta?.driverAdapterError?.cause?.constraint?.fields ?? meta?.target;
  return Array.isArray(fields) ? fields.includes(column) : typeof fields === "string" && fields.endsWith(`_${column}_key`);
}
