// Runs once before the suite: checks that the real backends are there when CI requires them.
import { checkBackends } from './backends.ts';

export default async function setup(): Promise<void> {
  await checkBackends();
}
