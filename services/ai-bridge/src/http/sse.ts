// Server-sent events for OpenAI clients: `data: <json>\n\n` per event, `data: [DONE]` at the
// end. Headers go out with the first event (so a failure before it can still be a problem+json
// answer), or — while a slow first token keeps the client waiting (a cold model load) — with a
// `: keep-alive` comment every `keepAliveMs`, so no proxy in between times the request out;
// comments carry no content, so attempts can still be retried after them. Writes respect
// backpressure: a slow client pauses the stream instead of piling chunks up in memory.
import type { Response } from 'express';

export class SseWriter {
  private opened = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly res: Response,
    private readonly headers: Record<string, string>,
    keepAliveMs: number,
  ) {
    this.keepAlive = setInterval(() => {
      this.open();
      if (!this.res.destroyed) this.res.write(': keep-alive\n\n');
    }, keepAliveMs);
    this.keepAlive.unref();
  }

  /** Stops the keep-alive comments (called with the first event, and at the end). */
  stopKeepAlive(): void {
    clearInterval(this.keepAlive);
  }

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
    this.stopKeepAlive();
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
    this.stopKeepAlive();
    this.open();
    if (this.res.destroyed) return;
    this.res.end(withDone ? 'data: [DONE]\n\n' : undefined);
  }
}
