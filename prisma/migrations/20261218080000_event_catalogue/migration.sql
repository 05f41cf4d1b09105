-- Identity events about no person (an application registered or changed) have no userId.

-- AlterTable
ALTER TABLE "IdentityEvent" ALTER COLUMN "userId" DROP NOT NULL;
