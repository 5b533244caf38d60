// What the package's two bundles (tools/bundle-cli.ts: the command; tools/bundle-lib.ts: the
// library) are built with alike: one place for what must stay the same in both, such as the
// oldest Node.js the package runs on (package.json "engines").

import type { BuildOptions } from 'esbuild';

export const PACKAGE_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The package's dependencies stay outside, loaded from node_modules as installed (ffi-rs's
  // native binary, binary-parser).
  packages: 'external',
  // Names are the tools' own choice (the command minifies them, the library keeps them).
  minifyWhitespace: true,
  minifySyntax: true,
  // The input's own source maps (tsc's) are followed, so a bundle's map points at src/*.ts,
  // which the package ships: no copy of the sources in the map.
  sourcesContent: false,
  legalComments: 'inline',
  logLevel: 'warning',
  // Non-ASCII characters escaped: a bundle is ASCII (the command's launcher reads it into a
  // one-byte string).
  charset: 'ascii',
} as const satisfies BuildOptions;
