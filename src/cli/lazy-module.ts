// What the command's bundles get for `import { createRequire } from 'node:module'` (see
// tools/bundle-cli.ts, which puts this module in its place): node:module is loaded when
// createRequire is first called, not when the bundle starts. Bundled only: `require` is then
// the require() of the bundle's CommonJS wrapper.

import type * as NodeModule from 'node:module';

/** node:module's createRequire, that module loaded on the first call. */
export function createRequire(filename: string | URL): NodeJS.Require {
  return (require('node:module') as typeof NodeModule).createRequire(filename);
}
