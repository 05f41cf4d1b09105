import "server-only";
export { getDb, setDb, closeDb, openDatabase, defaultDbOptions, withTransaction, type Db, type Tx } from "./client";
export { Prisma } from "./generated/client";
