#!/usr/bin/env node
// The `rtnl` executable from the sources (tsx src/cli/bin.ts) and as tsc emits it. The package
// runs the bundled command instead: `npm run build` replaces dist/cli/bin.js with launcher.ts's
// start-up, which loads the whole command as one script with V8's code cache (tools/bundle-cli.ts).

import { runProcess } from './process.js';

await runProcess(process.argv.slice(2));
