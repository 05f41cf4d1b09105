import "server-only";
export { getDb, getSql, setDb, closeDb, openDatabase, defaultDbOptions, withTransaction, type Db, type DbHandle, type Tx } from "./client";
export type { Sql, SqlParam } from "./sql";
export { Prisma } from "./generated/client";
export { isUniqueViolation } from "./unique-violation";
