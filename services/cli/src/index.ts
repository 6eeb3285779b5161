export { parseCommand } from './args.js';
export { resolveTargets } from './commands/start.js';
