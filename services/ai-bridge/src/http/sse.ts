// Server-sent events for OpenAI clients: `data: <json>\n\n` per event, `data: [DONE]` at the
// end; headers go out with the first event (so a failure before it can still be a problem+json
// answer and retried). Writes respect backpressure: a slow client pauses the stream instead of
// piling chunks up in memory.
import type { Response } from 'express';

export class SseWriter {
  private opened = false;

  constructor(
    private readonly res: Response,
    private readonly headers: Record<string, string>,
  ) {}

  get started(): boolean {
    return this.opened;
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.status(200);
    this.res.set({
      ...this.headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
  }

  async send(data: unknown): Promise<void> {
    this.open();
    if (this.res.destroyed) return;
    if (!this.res.write(`data: ${JSON.stringify(data)}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.once('drain', done);
        this.res.once('close', done);
      });
    }
  }

  end(withDone: boolean): void {
    this.open();
    if (this.res.destroyed) return;
    this.res.end(withDone ? 'data: [DONE]\n\n' : undefined);
  }
}
