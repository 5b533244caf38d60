// The modules most commands use, imported (for nothing but that) by main.ts and by every command
// module that main.ts loads on demand.
//
// Why: the bundled command (tools/bundle-cli.ts) is split by esbuild, which puts each set of
// modules that the same entry points reach into one chunk. Without this module, the library and
// the helpers were spread over a chunk per combination of commands using them, and `rtnl link
// show` loaded 11 files, whose per-file cost in Node's module loader ate what splitting saved.
// Every module reached from here is reached by the entry and by every command alike, so it lands
// in one shared chunk: `rtnl link show` loads the entry, that chunk and its own.
//
// A module used by one command (tc.ts, decode.ts, help.ts, ...) stays out: commands that do not
// use it never read it. A helper missing here costs a command an extra file, never correctness.

import '../index.js';
import '../entries/netlink.js';
import '../entries/wire.js';
import './args.js';
import './brief.js';
import './color.js';
import './context.js';
import './ipjson.js';
import './names.js';
import './oneline.js';
import './select.js';
import './table.js';
import './text.js';
