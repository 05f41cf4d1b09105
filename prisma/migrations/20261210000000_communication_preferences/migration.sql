-- Communication preferences (lib/preferences): the topics an administrator defines and each
-- customer's explicit choices per topic and channel.

-- CreateTable
CREATE TABLE "PreferenceTopic" (
    "id" UUID NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "label" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "marketing" BOOLEAN NOT NULL DEFAULT true,
    "channels" VARCHAR(16)[],
    "defaultOn" VARCHAR(16)[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PreferenceTopic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommunicationPreference" (
    "userId" UUID NOT NULL,
    "topicId" UUID NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "optedIn" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CommunicationPreference_pkey" PRIMARY KEY ("userId","topicId","channel")
);

-- CreateIndex
CREATE UNIQUE INDEX "PreferenceTopic_key_key" ON "PreferenceTopic"("key");

-- CreateIndex
CREATE INDEX "CommunicationPreference_topicId_idx" ON "CommunicationPreference"("topicId");

-- AddForeignKey
ALTER TABLE "CommunicationPreference" ADD CONSTRAINT "CommunicationPreference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunicationPreference" ADD CONSTRAINT "CommunicationPreference_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "PreferenceTopic"("id") ON DELETE CASCADE ON UPDATE CASCADE;
