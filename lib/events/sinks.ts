// Who receives published events. A sink is registered by the module that delivers somewhere
// (webhooks, provisioning); it must be idempotent by event id, because a publication that fails
// part-way is retried for every sink. Process-wide (lib/process), like the outbox's queues.
import "server-only";
import { processSingleton } from "@/lib/process";
import type { IdentityEvent } from "./catalog";

export type EventSink = (event: IdentityEvent) => Promise<void>;

const sinks = processSingleton("events.sinks", () => new Map<string, EventSink>());

/** Registers (or replaces) the sink called `name`. */
export function registerEventSink(name: string, sink: EventSink): void {
  sinks.set(name, sink);
}

export function unregisterEventSink(name: string): void {
  sinks.delete(name);
}

export async function publishToSinks(event: IdentityEvent): Promise<void> {
  for (const sink of sinks.values()) await sink(event);
}
