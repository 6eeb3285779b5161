// Terminal input for `elwosa login`: a visible line, a hidden line (password, code), or all of
// stdin (--password-stdin).
import { createInterface } from 'node:readline/promises';
import { ClientError } from './api-client.js';

export interface Prompter {
  ask(question: string): Promise<string>;
  askHidden(question: string): Promise<string>;
  readStdin(): Promise<string>;
}

function requireTty(question: string): void {
  if (!process.stdin.isTTY) {
    throw new ClientError(
      `${question.replace(/:\s*$/, '')} is needed: give it as an option (stdin is not a terminal)`,
    );
  }
}

export const terminalPrompter: Prompter = {
  async ask(question) {
    requireTty(question);
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await rl.question(question)).trim();
    } finally {
      rl.close();
    }
  },

  askHidden(question) {
    requireTty(question);
    const stdin = process.stdin;
    process.stderr.write(question);
    return new Promise((resolve, reject) => {
      let value = '';
      const done = (err?: Error) => {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.off('data', onData);
        process.stderr.write('\n');
        if (err) reject(err);
        else resolve(value);
      };
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done();
          if (ch === '\u0003') return done(new ClientError('cancelled'));
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', onData);
    });
  },

  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  },
};
