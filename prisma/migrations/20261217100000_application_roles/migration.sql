-- Application roles and groups in tokens: roles an application defines, held by users directly or
-- through a group; the claims the application receives them in, and whether signing in needs a role.

-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "groupsClaim" VARCHAR(200),
ADD COLUMN     "requireRole" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rolesClaim" VARCHAR(200);

-- CreateTable
CREATE TABLE "ApplicationRole" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationRole_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleAssignment" (
    "id" UUID NOT NULL,
    "roleId" UUID NOT NULL,
    "userId" UUID,
    "groupId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApplicationRole_applicationId_name_key" ON "ApplicationRole"("applicationId", "name");

-- CreateIndex
CREATE INDEX "RoleAssignment_userId_idx" ON "RoleAssignment"("userId");

-- CreateIndex
CREATE INDEX "RoleAssignment_groupId_idx" ON "RoleAssignment"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "RoleAssignment_roleId_userId_key" ON "RoleAssignment"("roleId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "RoleAssignment_roleId_groupId_key" ON "RoleAssignment"("roleId", "groupId");

-- AddForeignKey
ALTER TABLE "ApplicationRole" ADD CONSTRAINT "ApplicationRole_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "ApplicationRole"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A role assignment names exactly one holder: a user or a group.
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_one_holder" CHECK (("userId" IS NULL) <> ("groupId" IS NULL));
