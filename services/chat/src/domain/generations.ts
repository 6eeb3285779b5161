// Which conversations are generating, across replicas. One generation per conversation at a
// time (a lock in the cache, expiring after the longest turn); the replica that runs it holds
// its AbortController. A stop request is published on a channel every replica listens to, so
// it reaches the generation wherever it runs — the local case takes the same path.
import { randomUUID } from 'node:crypto';
import { type CacheBus, problems, type Unsubscribe } from '@elwosa/runtime';
import type { Logger } from 'pino';
import { z } from 'zod';

export const STOP_CHANNEL = 'chat:stop';
export const generationLockKey = (conversationId: string): string => `chat:generating:${conversationId}`;

export type StopReason = 'stopped' | 'shutdown';

const stopMessage = z.object({ conversationId: z.uuid(), userId: z.string() });

interface Running {
  userId: string;
  controller: AbortController;
}

export class Generations {
  private readonly local = new Map<string, Running>();
  private readonly turns = new Set<Promise<void>>();
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly cache: CacheBus,
    private readonly logger: Logger,
    private readonly lockTtlMs: number,
  ) {}

  async listen(): Promise<void> {
    this.unsubscribe = await this.cache.subscribe(STOP_CHANNEL, (message) => {
      const parsed = stopMessage.safeParse(safeJson(message));
      if (!parsed.success) return;
      const running = this.local.get(parsed.data.conversationId);
      // The owner check repeats the one the stop endpoint made: a forged message stops nothing.
      if (running && running.userId === parsed.data.userId)
        running.controller.abort('stopped' satisfies StopReason);
    });
  }

  /** Claims the conversation for a new generation, or 409 when one is running. */
  async begin(conversationId: string, userId: string): Promise<AbortController> {
    const won = await this.cache.setIfAbsent(generationLockKey(conversationId), randomUUID(), this.lockTtlMs);
    if (!won)
      throw problems.conflict('a reply is already being generated in this conversation; stop it or wait');
    const controller = new AbortController();
    this.local.set(conversationId, { userId, controller });
    return controller;
  }

  async end(conversationId: string): Promise<void> {
    this.local.delete(conversationId);
    await this.cache.del(generationLockKey(conversationId)).catch((err: unknown) => {
      this.logger.warn({ err: String(err), conversationId }, 'could not release the generation lock');
    });
  }

  async isRunning(conversationId: string): Promise<boolean> {
    return (await this.cache.get(generationLockKey(conversationId))) !== null;
  }

  /** Signals every replica; resolves whether a generation was running. */
  async requestStop(conversationId: string, userId: string): Promise<boolean> {
    const running = await this.isRunning(conversationId);
    await this.cache.publish(STOP_CHANNEL, JSON.stringify({ conversationId, userId }));
    return running;
  }

  /** Keeps a running turn in view until it settles (shutdown waits for it to save its state). */
  track(turn: Promise<void>): void {
    this.turns.add(turn);
    void turn.finally(() => this.turns.delete(turn));
  }

  /** Resolves once every tracked turn has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.turns]);
  }

  /** On shutdown: every local generation ends now, saving what it has. */
  abortAll(): void {
    for (const r of this.local.values()) r.controller.abort('shutdown' satisfies StopReason);
  }

  async close(): Promise<void> {
    this.abortAll();
    await this.unsubscribe?.();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
