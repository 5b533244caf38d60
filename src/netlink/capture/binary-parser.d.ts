// binary-parser 2.3 ships its types next to its CommonJS build only, and its package.json
// "exports" has no "types" condition: under `moduleResolution: nodenext` TypeScript finds no types
// for the ES build that `import { Parser } from 'binary-parser'` loads. The two builds export the
// same class; these are its published types.
declare module 'binary-parser' {
  export { Parser } from 'binary-parser/dist/binary_parser.js';
}
