// A message left `streaming` by a replica that died mid-turn has no generation behind it any
// more. Reads show it as failed while no generation runs in its conversation; the next turn in
// that conversation (which holds the conversation's lock) stores it so.

export const INTERRUPTED_MESSAGE = 'The reply was interrupted (the service restarted); regenerate it.';

interface MessageState {
  status: string;
  finishReason: string | null;
  error: string | null;
}

export function settledView<M extends MessageState>(message: M, generating: boolean): M {
  if (generating || message.status !== 'streaming') return message;
  return { ...message, status: 'error', finishReason: 'error', error: INTERRUPTED_MESSAGE };
}
