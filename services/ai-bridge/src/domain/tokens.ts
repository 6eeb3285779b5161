// Token counting with a real BPE tokenizer (js-tiktoken, cl100k_base) for estimates when a
// provider reports no usage and for context-window trimming. Byte-level BPE never makes a token
// from less than one byte, so a text's UTF-8 length is an upper bound: callers use it to skip
// tokenizing whenever the bound already fits. The ranks cost ≈ 90 MB of memory (o200k_base
// ≈ 170 MB), so they are loaded on first use only — most calls never need them.
import { createRequire } from 'node:module';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import { Tiktoken } from 'js-tiktoken/lite';

const require = createRequire(import.meta.url);

import type { ChatMessage } from './types.js';

/** Tokens a chat format adds per message (role and separators), as OpenAI's cookbook counts. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

export interface TokenCounter {
  count(text: string): number;
}

let shared: Tiktoken | undefined;

export function tiktokenCounter(): TokenCounter {
  return {
    count(text) {
      if (!text) return 0;
      shared ??= new Tiktoken(require('js-tiktoken/ranks/cl100k_base') as TiktokenBPE);
      return shared.encode(text).length;
    },
  };
}

export function messageText(m: ChatMessage): string {
  const calls = m.toolCalls?.map((c) => `${c.name}${c.arguments}`).join('') ?? '';
  return `${m.content}${calls}`;
}

/** An upper bound of a message's tokens without tokenizing. */
export function messageTokenBound(m: ChatMessage): number {
  return Buffer.byteLength(messageText(m)) + MESSAGE_OVERHEAD_TOKENS;
}

export function messageTokens(m: ChatMessage, counter: TokenCounter): number {
  return counter.count(messageText(m)) + MESSAGE_OVERHEAD_TOKENS;
}

export function promptTokens(messages: readonly ChatMessage[], counter: TokenCounter): number {
  return messages.reduce((n, m) => n + messageTokens(m, counter), 0);
}
