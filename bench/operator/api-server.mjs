// The test API server in its own process (so the benchmark measures the operator's memory only).
// Prints its URL on stdout, then serves until killed.
import { buildCrd } from '../../operator/dist/api/crd.js';
import { TestApiServer } from '../../operator/dist/testing/api-server.js';
import { installCrd } from '../../operator/dist/testing/cluster.js';

const server = new TestApiServer({ readyDelayMs: Number(process.env.READY_DELAY_MS ?? 20) });
const url = await server.start();
installCrd(server.store, buildCrd());
process.stdout.write(`${url}\n`);
process.on('SIGTERM', async () => {
  await server.stop();
  process.exit(0);
});
