// Counts the SQL statements one database ran, from PostgreSQL's own statement log: the bench turns
// `log_statement = 'all'` on for its throwaway database only (parameters not logged), and reads
// the lines the server appended since the last look. Counting at the server sees every statement,
// whichever client library sent it (Prisma, the direct-SQL hot paths, the outbox).
import fs from "node:fs";
import pg from "pg";

export interface Statement {
  /** The statement, whitespace collapsed, cut at 160 characters. */
  text: string;
  /** The first table named after FROM, INTO, UPDATE or JOIN, or the command (BEGIN, COMMIT). */
  table: string;
}

/** Logs every statement of `database` from the next connection on (ALTER DATABASE ... SET). */
export async function logStatementsOf(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${database}" SET log_statement = 'all'`);
    await admin.query(`ALTER DATABASE "${database}" SET log_parameter_max_length = 0`);
    await admin.query(`ALTER DATABASE "${database}" SET log_min_duration_statement = -1`);
  } finally {
    await admin.end();
  }
}

function tableOf(sql: string): string {
  const m = /\b(?:FROM|INTO|UPDATE|JOIN)\s+"?(?:public"?\."?)?"?([A-Za-z_]+)"?/i.exec(sql);
  if (m) return m[1]!;
  return sql.trim().split(/\s+/)[0]!.toUpperCase();
}

/** Reads the statements `database` ran since the previous call. */
export class StatementLog {
  private offset: number;
  constructor(
    private readonly file: string,
    private readonly database: string,
  ) {
    this.offset = fs.statSync(file).size;
  }

  /** Statements since the last call (waits `settleMs` first for the server's after-response work). */
  async since(settleMs = 150): Promise<Statement[]> {
    await new Promise((r) => setTimeout(r, settleMs));
    const size = fs.statSync(this.file).size;
    if (size <= this.offset) return [];
    const fd = fs.openSync(this.file, "r");
    const buf = Buffer.alloc(size - this.offset);
    fs.readSync(fd, buf, 0, buf.length, this.offset);
    fs.closeSync(fd);
    this.offset = size;
    const marker = `@${this.database} LOG:  `;
    const out: string[] = [];
    // A statement's first line carries the log prefix; a multi-line statement's other lines follow
    // without one, until the next prefixed line (any database's).
    let current: string[] | null = null;
    const flush = () => {
      if (current) out.push(current.join(" ").replace(/\s+/g, " ").trim());
      current = null;
    };
    for (const line of buf.toString("utf8").split("\n")) {
      if (/^\d{4}-\d\d-\d\d /.test(line)) {
        flush();
        const at = line.indexOf(marker);
        if (at < 0) continue;
        // "statement: BEGIN" (simple protocol) or "execute <unnamed>: SELECT ..." / "execute s1: ..." (extended).
        const m = /^(?:statement|execute [^:]*): (.*)$/.exec(line.slice(at + marker.length));
        if (m) current = [m[1]!];
      } else if (current) {
        current.push(line);
      }
    }
    flush();
    return out.map((text) => ({ text: text.slice(0, 160), table: tableOf(text) }));
  }
}
