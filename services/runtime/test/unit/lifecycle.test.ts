// Graceful shutdown: readiness fails first, new connections are refused, the in-flight request
// finishes, then close and release hooks run in order.
import http from 'node:http';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, Lifecycle, listen, Readiness } from '../../src/index.js';

const silent = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('lifecycle', () => {
  it('closes in reverse registration order, one by one, and goes on after a failing hook', async () => {
    const order: string[] = [];
    const lifecycle = new Lifecycle(silent, 5000)
      .on('close', async () => {
        await new Promise((r) => setTimeout(r, 20));
        order.push('database');
      })
      .on('close', () => {
        throw new Error('boom');
      })
      .on('close', async () => {
        await new Promise((r) => setTimeout(r, 20));
        order.push('workers');
      })
      .on('release', () => {
        order.push('cache');
      });
    await lifecycle.shutdown('test');
    expect(order).toEqual(['workers', 'database', 'cache']);
  });

  it('drains, stops accepting, finishes in-flight requests, then closes and releases', async () => {
    const order: string[] = [];
    const readiness = new Readiness();
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const server = await listen(
      async (_req, res) => {
        await slow;
        res.end('done');
      },
      0,
      '127.0.0.1',
    );
    const lifecycle = new Lifecycle(silent, 5000)
      .on('drain', () => {
        readiness.startDraining();
        order.push('drain');
      })
      .on('stop', async () => {
        await server.close(4000);
        order.push('stop');
      })
      .on('close', () => {
        order.push('close');
      })
      .on('release', () => {
        order.push('release');
      });

    const inFlight = new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${server.port}/`, { agent: false }, (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 50));
    const shutdown = lifecycle.shutdown('test');
    await new Promise((r) => setTimeout(r, 50));
    expect((await readiness.evaluate()).ready).toBe(false);
    await expect(fetch(`http://127.0.0.1:${server.port}/`)).rejects.toThrow();
    release();
    expect(await inFlight).toBe('done');
    await shutdown;
    expect(order).toEqual(['drain', 'stop', 'close', 'release']);
    expect(lifecycle.shutdown('again')).toBe(shutdown);
  });
});
