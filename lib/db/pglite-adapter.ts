// Wraps pglite-prisma-adapter 0.6.1 (built for Prisma 6.10) so it speaks Prisma 6.19:
// - Prisma 6.19 sends `Bytes` arguments as base64 strings (argType scalarType "bytes"): decode to Buffers.
// - `executeScript` must be awaited (the original fires and forgets PGlite's exec()).
// - PostgreSQL constraint errors arrive as kind "postgres"; map them to the kinds Prisma 6.19 turns into
//   P2002/P2011/P2003 (the same mapping as @prisma/adapter-pg).
// - A parameterless multi-statement `executeRaw` goes through PGlite's exec(), which accepts scripts.
import { PGlite as PGliteClass, type PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  Transaction,
} from "@prisma/driver-adapter-utils";

export function decodeByteArgs(query: SqlQuery): SqlQuery {
  const types = query.argTypes ?? [];
  if (!types.some((t) => t?.scalarType === "bytes")) return query;
  const args = query.args.map((value, i) => {
    if (types[i]?.scalarType !== "bytes") return value;
    if (typeof value === "string") return Buffer.from(value, "base64");
    if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? Buffer.from(v, "base64") : v));
    return value;
  });
  return { ...query, args };
}

type PgErrorCause = { kind: string; code?: string; detail?: string; column?: string; message?: string };

export function mapConstraintError(e: unknown): unknown {
  if (!(e instanceof Error) || e.name !== "DriverAdapterError") return e;
  const cause = (e as { cause?: PgErrorCause }).cause;
  if (!cause || cause.kind !== "postgres") return e;
  const fields = cause.detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(", ");
  const constraint = fields ? { fields } : undefined;
  const base = { originalCode: cause.code, originalMessage: cause.message };
  switch (cause.code) {
    case "23505":
      return new DriverAdapterError({ ...base, kind: "UniqueConstraintViolation", constraint } as never);
    case "23502":
      return new DriverAdapterError({ ...base, kind: "NullConstraintViolation", constraint } as never);
    case "23503":
      return new DriverAdapterError({
        ...base,
        kind: "ForeignKeyConstraintViolation",
        constraint: cause.column ? { fields: [cause.column] } : undefined,
      } as never);
    case "22001":
      return new DriverAdapterError({ ...base, kind: "LengthMismatch", column: cause.column } as never);
    default:
      return e;
  }
}

async function mapped<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw mapConstraintError(e);
  }
}

function isMultiStatementScript(query: SqlQuery): boolean {
  return query.args.length === 0 && query.sql.replace(/;\s*$/, "").includes(";");
}

function wrapQueryable<T extends SqlQueryable>(inner: T, pglite: Pick<PGlite, "exec">): T {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "queryRaw") return (q: SqlQuery) => mapped(() => target.queryRaw(decodeByteArgs(q)));
      if (prop === "executeRaw") {
        return async (q: SqlQuery) => {
          if (isMultiStatementScript(q)) {
            const results = await pglite.exec(q.sql);
            return results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
          }
          return mapped(() => target.executeRaw(decodeByteArgs(q)));
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function wrapAdapter(inner: SqlDriverAdapter, pglite: PGlite): SqlDriverAdapter {
  const wrapped = wrapQueryable(inner, pglite);
  return new Proxy(wrapped, {
    get(target, prop, receiver) {
      if (prop === "executeScript") return async (script: string) => void (await pglite.exec(script));
      if (prop === "startTransaction") {
        return async (isolation?: Parameters<SqlDriverAdapter["startTransaction"]>[0]) => {
          const tx: Transaction = await inner.startTransaction(isolation);
          // Inside a transaction, scripts must run on the transaction's connection; PGlite has one.
          return wrapQueryable(tx, pglite);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** A Prisma driver adapter factory for a PGlite instance, fixed for Prisma 6.19. */
export function pgliteAdapter(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrapAdapter(await factory.connect(), pglite),
    // The shadow database (for `prisma migrate diff`) gets the same fixes, on a throwaway instance.
    connectToShadowDb: async () => {
      const shadow = new PGliteClass("memory://");
      return wrapAdapter(await new PrismaPGlite(shadow).connect(), shadow);
    },
  };
}
