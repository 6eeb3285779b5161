// Runs caller-supplied callbacks so that their failures are reported, never thrown into the bus.
import type { Logger } from 'pino';
import type { MessageHandler } from './cache-bus.js';

export function deliverMessage(
  handler: MessageHandler,
  message: string,
  channel: string,
  logger: Logger | undefined,
): void {
  const report = (err: unknown) => logger?.error({ err, channel }, 'pub/sub handler failed');
  try {
    const result = handler(message, channel);
    if (result instanceof Promise) result.catch(report);
  } catch (err) {
    report(err);
  }
}
