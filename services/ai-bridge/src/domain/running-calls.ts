// Completions running in this process, by request id, so an explicit stop can abort them. A
// stop is published on the cache bus and every bridge process aborts its call with that id —
// only when it belongs to the user who asked.
import type { CacheBus, Unsubscribe } from '@elwosa/runtime';
import { ProviderError } from './types.js';

export const STOP_CHANNEL = 'ai:stop';

interface Running {
  userId: string;
  controller: AbortController;
}

export class RunningCalls {
  private readonly calls = new Map<string, Running>();
  private unsubscribe: Unsubscribe | undefined;

  constructor(private readonly cache: CacheBus) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.cache.subscribe(STOP_CHANNEL, (message) => {
      const { requestId, userId } = JSON.parse(message) as { requestId: string; userId: string };
      this.stopLocal(requestId, userId);
    });
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
  }

  get size(): number {
    return this.calls.size;
  }

  register(requestId: string, userId: string, controller: AbortController): () => void {
    this.calls.set(requestId, { userId, controller });
    return () => {
      if (this.calls.get(requestId)?.controller === controller) this.calls.delete(requestId);
    };
  }

  stopLocal(requestId: string, userId: string): boolean {
    const call = this.calls.get(requestId);
    if (!call || call.userId !== userId) return false;
    call.controller.abort(new ProviderError('aborted', 'stopped on request'));
    return true;
  }

  async requestStop(requestId: string, userId: string): Promise<void> {
    if (this.stopLocal(requestId, userId)) return;
    await this.cache.publish(STOP_CHANNEL, JSON.stringify({ requestId, userId }));
  }
}
