import type { Metadata } from "next";
import { TopicForm } from "@/components/admin/topic-form";
import { requireAdmin } from "@/lib/http";
import { listTopics } from "@/lib/preferences";
import { surface } from "@/components/ui/styles";
import { saveTopicAction } from "./actions";

export const metadata: Metadata = { title: "Communication topics" };
export const dynamic = "force-dynamic";

export default async function TopicsPage() {
  const session = await requireAdmin("/admin/preferences", { permission: "topics:read" });
  const topics = await listTopics({ id: session.user.id, roles: session.user.roles });
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Communication topics</h1>
      <p className="mb-6 mt-1 max-w-2xl text-slate-600 dark:text-slate-400">
        What customers may be written to about, and by which channels. Customers choose per topic and channel on their preferences page;
        until they do, a channel is off unless you turn it on by default here, which marketing topics never allow.
      </p>
      <section aria-labelledby="new-topic-heading" className={`${surface} p-6`}>
        <h2 id="new-topic-heading" className="mb-4 text-lg font-semibold">New topic</h2>
        <TopicForm action={saveTopicAction} />
      </section>
      {topics.map((t) => (
        <section key={t.id} aria-label={t.label} className={`${surface} mt-6 p-6`} data-testid={`admin-topic-${t.key}`}>
          <h2 className="mb-4 text-lg font-semibold">{t.label}</h2>
          <TopicForm action={saveTopicAction} topic={{ id: t.id, key: t.key, label: t.label, description: t.description, marketing: t.marketing, channels: t.channels, defaultOn: t.defaultOn }} />
        </section>
      ))}
    </>
  );
}
