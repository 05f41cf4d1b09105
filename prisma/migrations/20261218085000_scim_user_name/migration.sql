-- A SCIM user's userName is the one a provisioning client set, else the sign-in address. Filters on
-- userName (a client matching an account before creating one) compare this expression, so they find
-- registered customers too; `eq` is one lookup of this index and `sw` one range of it.
CREATE INDEX "User_scimUserName_idx" ON "User" ((lower(COALESCE("userName", "email")) COLLATE "C"));
