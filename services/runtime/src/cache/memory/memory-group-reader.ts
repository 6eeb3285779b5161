// GroupReader over an in-process stream (see consumer-loop.ts).
import type { StreamEntry } from '../cache-bus.js';
import type { GroupReader } from '../consumer-loop.js';
import type { MemoryStore } from './memory-store.js';
import type { MemoryStream } from './memory-stream.js';

export class MemoryGroupReader implements GroupReader {
  private interrupted = false;
  private cancelWait: (() => void) | undefined;

  constructor(
    private readonly store: MemoryStore,
    private readonly streamName: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly startFrom: 'new' | 'beginning',
  ) {}

  async ensureGroup(): Promise<void> {
    this.stream();
  }

  async readNew(count: number, blockMs: number): Promise<StreamEntry[]> {
    const batch = this.stream().readGroup(this.group, this.consumer, count, this.store.now());
    if (batch.length > 0 || this.interrupted) return batch;
    const wait = this.stream().waitForAppend(blockMs);
    this.cancelWait = wait.cancel;
    await wait.done;
    this.cancelWait = undefined;
    if (this.interrupted) return [];
    return this.stream().readGroup(this.group, this.consumer, count, this.store.now());
  }

  async claimIdle(minIdleMs: number, count: number): Promise<StreamEntry[]> {
    return this.stream().claimIdle(this.group, this.consumer, minIdleMs, count, this.store.now());
  }

  async ack(id: string): Promise<void> {
    this.stream().ack(this.group, id);
  }

  interrupt(): void {
    this.interrupted = true;
    this.cancelWait?.();
  }

  async close(): Promise<void> {}

  /** The stream with the group in place (re-created like Redis MKSTREAM if the stream was deleted). */
  private stream(): MemoryStream {
    const stream = this.store.stream(this.streamName);
    stream.ensureGroup(this.group, this.startFrom);
    return stream;
  }
}
