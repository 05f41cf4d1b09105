-- The console's user list at a million users (lib/users/user-list.repo.ts): each sort is a walk of
-- one index from the cursor's row, each text filter a range of one index. Prefix ranges compare in
-- the "C" collation (code point order), where every string starting with p is in [p, p || U+10FFFF).
-- The expressions are the queries' exactly; Prisma cannot describe them, so schema.prisma names
-- only the (createdAt, id) index. Partial where the column is mostly empty: small, and a sign-in
-- (which rewrites the row) adds no entry to them for a customer without that field.

-- Sort by creation (the default list), and the created-at range.
CREATE INDEX "User_createdAt_id_idx" ON "User"("createdAt", "id");

-- Sort by last sign-in; never signed in is the oldest position, so the row comparison needs no NULL case.
CREATE INDEX "User_lastLogin_id_idx" ON "User" ((COALESCE("lastLoginAt", '-infinity'::timestamp)), "id");

-- Sort by address, and the address prefix (addresses are stored lower-cased: lower() is the identity on them).
CREATE INDEX "User_email_prefix_idx" ON "User" ((lower("email") COLLATE "C"), "id");

-- Name prefixes: the display name, given and family names.
CREATE INDEX "User_displayName_prefix_idx" ON "User" ((lower("displayName") COLLATE "C")) WHERE "displayName" IS NOT NULL;
CREATE INDEX "User_givenName_prefix_idx" ON "User" ((lower("givenName") COLLATE "C")) WHERE "givenName" IS NOT NULL;
CREATE INDEX "User_familyName_prefix_idx" ON "User" ((lower("familyName") COLLATE "C")) WHERE "familyName" IS NOT NULL;

-- Phone number prefix (E.164: "+" and digits).
CREATE INDEX "User_phoneNumber_prefix_idx" ON "User" ((("phoneNumber")::text COLLATE "C")) WHERE "phoneNumber" IS NOT NULL;

-- The rare states (locked, disabled, deletion pending: well under 1% of customers), by creation:
-- without it, a status filter walks the whole creation index to fill a page of the few.
CREATE INDEX "User_flagged_createdAt_idx" ON "User"("createdAt", "id") WHERE "lockedUntil" IS NOT NULL OR "disabledAt" IS NOT NULL OR "deletionRequestedAt" IS NOT NULL;
