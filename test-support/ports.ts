// Free TCP ports for services started by tests.
//
// A port chosen here is bound later by another process, so something else may take it in
// between. The kernel hands out its ephemeral range (ip_local_port_range, 32768–60999 by
// default) to every outgoing connection the tests make, so ports are picked at random below
// that range, where only other listeners compete, and checked on all addresses, as services
// bind them. Callers that start servers still retry on EADDRINUSE.
import { readFileSync } from 'node:fs';
import net from 'node:net';

const LOWEST = 10_000;
const ATTEMPTS = 50;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const value = Number(low);
    return Number.isInteger(value) && value > LOWEST + 1_000 ? value : 32_768;
  } catch {
    return 32_768;
  }
}

const HIGHEST = ephemeralLow() - 1;

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const candidate = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    const port = await tryListen(candidate);
    if (port !== undefined) return port;
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free TCP port');
  return port;
}
