// A PostgreSQL storage adapter for node-oidc-provider, so the peer in `npm run bench:oidc` can also
// run the way it must in production (its in-memory adapter is for development only) and keep its
// sessions, interactions, grants, codes and tokens in the same database server Portico uses. The
// usual shape of such adapters: one table keyed by (model, id), the payload as JSONB, with the
// secondary lookups oidc-provider asks for (grant id, user code, uid) as indexed columns.
import pg from "pg";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS oidc_payloads (
  id text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (id, type)
);
CREATE INDEX IF NOT EXISTS oidc_payloads_grant_id ON oidc_payloads (grant_id);
CREATE INDEX IF NOT EXISTS oidc_payloads_user_code ON oidc_payloads (user_code);
CREATE INDEX IF NOT EXISTS oidc_payloads_uid ON oidc_payloads (uid);`;

export async function postgresAdapter(connectionString) {
  const pool = new pg.Pool({ connectionString, max: 10 });
  await pool.query(SCHEMA);

  const findWhere = async (column, value, type) => {
    const { rows } = await pool.query(
      `SELECT payload, consumed_at FROM oidc_payloads WHERE ${column} = $1 AND type = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [value, type],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
  };

  return class PostgresAdapter {
    constructor(name) {
      this.type = name;
    }

    async upsert(id, payload, expiresIn) {
      await pool.query(
        `INSERT INTO oidc_payloads (id, type, payload, grant_id, user_code, uid, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + $7::int * interval '1 second' END)
         ON CONFLICT (id, type) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
        [id, this.type, payload, payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null],
      );
    }

    find(id) {
      return findWhere("id", id, this.type);
    }

    findByUserCode(userCode) {
      return findWhere("user_code", userCode, this.type);
    }

    findByUid(uid) {
      return findWhere("uid", uid, this.type);
    }

    async consume(id) {
      await pool.query(`UPDATE oidc_payloads SET consumed_at = now() WHERE id = $1 AND type = $2`, [id, this.type]);
    }

    async destroy(id) {
      await pool.query(`DELETE FROM oidc_payloads WHERE id = $1 AND type = $2`, [id, this.type]);
    }

    async revokeByGrantId(grantId) {
      await pool.query(`DELETE FROM oidc_payloads WHERE grant_id = $1`, [grantId]);
    }
  };
}
