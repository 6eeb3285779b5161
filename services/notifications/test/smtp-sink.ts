// An in-process SMTP server for the email tests (smtp-server + mailparser): collects parsed
// messages, can reject recipients with a given reply code a number of times, and can go down
// and come back on the same port.
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../../test-support/ports.ts';

interface Rejection {
  remaining: number;
  code: number;
}

export class SmtpSink {
  readonly messages: ParsedMail[] = [];
  /** RCPT attempts per recipient, accepted or not. */
  readonly attempts = new Map<string, number>();
  private readonly rejections = new Map<string, Rejection>();
  private server: SMTPServer | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink(await freePort());
    await sink.up();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Reject mail to `address` with `code` the next `times` times (Infinity: always). */
  reject(address: string, times: number, code = 451): void {
    this.rejections.set(address.toLowerCase(), { remaining: times, code });
  }

  to(address: string): ParsedMail[] {
    const wanted = address.toLowerCase();
    const addresses = (m: ParsedMail) =>
      ([] as AddressObject[]).concat(m.to ?? []).flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
    return this.messages.filter((m) => addresses(m).includes(wanted));
  }

  async up(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 50,
      onRcptTo: (address, _session, callback) => {
        const rcpt = address.address.toLowerCase();
        this.attempts.set(rcpt, (this.attempts.get(rcpt) ?? 0) + 1);
        const rejection = this.rejections.get(rcpt);
        if (rejection && rejection.remaining > 0) {
          rejection.remaining--;
          const err = Object.assign(new Error('mailbox busy, try again later'), {
            responseCode: rejection.code,
          });
          return callback(err);
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.messages.push(parsed);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
