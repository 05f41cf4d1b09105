-- Progressive profiling also offers consent purposes: a skipped consent question is remembered
-- as `purpose:<key>` (up to 8 + 64 characters) beside skipped attributes.
ALTER TABLE "ProfilePromptSkip" ALTER COLUMN "attribute" SET DATA TYPE VARCHAR(80);
