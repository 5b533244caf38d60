// `require('rtnetlink')`: the package is an ES module. Node 20.19+ (and 22.12+) can require() an
// ES module that has no top-level await, which this library has none of: re-export it, so that
// CommonJS code gets the very same module instance as `import` (no dual-package copies). Older
// Node, or a Node started with --no-experimental-require-module, gets a message that says what
// to do instead of ERR_REQUIRE_ESM.

if (!process.features.require_module) {
  throw new Error(
    "rtnetlink is an ES module: use import() (`const { Rtnl } = await import('rtnetlink')`). " +
      `require() of it works on Node.js >= 20.19, which loads ES modules with require(); this Node.js ${process.version} ` +
      'cannot, or has that turned off (--no-experimental-require-module).',
  );
}

import rtnetlink = require('./index.js');

export = rtnetlink;
