// How many messages a WebSocket client may send: a token bucket per connection (`burst`
// messages at once, refilled at `perSecond`). A client over budget is closed (1008): one socket
// must not make the gateway parse and answer without bound.

export interface MessageBudgetOptions {
  perSecond: number;
  burst: number;
  now?: () => number;
}

export const DEFAULT_MESSAGE_BUDGET = { perSecond: 20, burst: 40 } as const;

export type MessageBudget = () => boolean;

/** Returns a function that spends one message and says whether it was within budget. */
export function createMessageBudget(options: MessageBudgetOptions): MessageBudget {
  const now = options.now ?? Date.now;
  let tokens = options.burst;
  let last = now();
  return () => {
    const t = now();
    tokens = Math.min(options.burst, tokens + ((t - last) / 1000) * options.perSecond);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
