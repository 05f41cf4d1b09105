// How a cache invalidation reaches every copy of a cache. Within a process the cached state itself is
// process-wide (singleton.ts), so clearing it once clears it for every bundle. Across nodes, when
// REDIS_URL is set, the invalidation is published on one Redis channel per deployment and every
// node subscribed to it clears its own copy; the publishing node has already cleared its copy, at once.
// Without Redis, other nodes see a change when their copy expires (each cache's TTL).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { singletonIn, type StateHolder } from "./singleton";

export type InvalidationHandler = (key: string | undefined) => void;
export interface BusSettings {
  /** No URL: invalidations stay in this process. */
  url: string | undefined;
  /** Keeps deployments (and test runs) that share one Redis apart. */
  namespace: string;
}

interface Connection {
  publisher: Redis;
  subscriber: Redis;
  channel: string;
  subscribed: Promise<void>;
}

interface Message {
  origin: string;
  name: string;
  key?: string;
}

// Read lazily: lib/config itself keeps its values in process singletons, so a static import would be a cycle.
async function settingsFromConfig(): Promise<BusSettings> {
  const { config, redisNamespace } = await import("@/lib/config");
  const url = config().REDIS_URL;
  return { url, namespace: url ? redisNamespace() : "" };
}

export class InvalidationBus {
  /** This process's messages come back on the channel too: they are recognised and skipped. */
  readonly origin = randomUUID();
  private readonly handlers = new Map<string, InvalidationHandler>();
  private connection: Promise<Connection | null> | undefined;
  private lastError = "";

  constructor(private readonly settings: () => Promise<BusSettings> = settingsFromConfig) {}

  /** Every bundle registers the same handler for its copy of a cache; they act on one shared state, so the last one is enough. */
  on(name: string, handler: InvalidationHandler): void {
    this.handlers.set(name, handler);
  }

  /** Clears `name` here now, then tells the other nodes. Never throws: a lost message only delays them until the TTL. */
  publish(name: string, key?: string): void {
    this.handlers.get(name)?.(key);
    void this.connect().then(async (c) => {
      if (!c) return;
      const message: Message = { origin: this.origin, name, ...(key === undefined ? {} : { key }) };
      await c.publisher.publish(c.channel, JSON.stringify(message));
    }).catch((e) => this.logError(e));
  }

  /** Subscribes on first use (a node that never used a cache has nothing to clear); resolves once subscribed. */
  async listen(): Promise<void> {
    const c = await this.connect();
    await c?.subscribed;
  }

  async close(): Promise<void> {
    const c = await this.connection?.catch(() => null);
    this.connection = undefined;
    if (!c) return;
    await Promise.all([c.subscriber.quit().catch(() => {}), c.publisher.quit().catch(() => {})]);
  }

  private connect(): Promise<Connection | null> {
    this.connection ??= this.settings().then(
      ({ url, namespace }) => (url ? this.open(url, `${namespace}:invalidate`) : null),
      (e) => {
        this.logError(e);
        return null;
      },
    );
    return this.connection;
  }

  private open(url: string, channel: string): Connection {
    // A subscribed connection can only subscribe, so publishing needs its own.
    const publisher = new Redis(url, { maxRetriesPerRequest: 2 });
    const subscriber = new Redis(url, { maxRetriesPerRequest: null });
    for (const r of [publisher, subscriber]) {
      r.on("error", (e) => this.logError(e));
      // Neither connection may keep a script or a test process alive on its own.
      r.on("connect", () => r.stream?.unref?.());
    }
    subscriber.on("message", (ch: string, raw: string) => {
      if (ch === channel) this.receive(raw);
    });
    const subscribed = subscriber.subscribe(channel).then(
      () => undefined,
      (e) => this.logError(e),
    );
    return { publisher, subscriber, channel, subscribed };
  }

  private receive(raw: string): void {
    try {
      const m = JSON.parse(raw) as Partial<Message>;
      if (m.origin === this.origin || typeof m.name !== "string") return;
      this.handlers.get(m.name)?.(typeof m.key === "string" ? m.key : undefined);
    } catch (e) {
      this.logError(e);
    }
  }

  // Redis retries by itself; say so once per distinct failure rather than on every retry.
  private logError(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (message === this.lastError) return;
    this.lastError = message;
    console.warn(`[process] cache invalidation over Redis: ${message} (other nodes catch up when their copies expire)`);
  }
}

export function busIn(holder: StateHolder, settings?: () => Promise<BusSettings>): InvalidationBus {
  return singletonIn(holder, "process.invalidation", () => new InvalidationBus(settings));
}
