// Lets plain `node` run the TypeScript sources (Node 24 strips types): a relative `./x.js`
// import that does not exist resolves to `./x.ts`, as tsc (nodenext) and vitest resolve it.
// Usage: node --import ./bench/db/register-ts.mjs bench/db/embedded.ts
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      if (
        err?.code !== 'ERR_MODULE_NOT_FOUND' ||
        !/^(\.|\/|file:)/.test(specifier) ||
        !specifier.endsWith('.js')
      )
        throw err;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
