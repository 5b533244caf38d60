// What the registry and the event machinery know about rules: the wire schema and message types,
// the mapping into the model, the dump of every rule, the identity key and the volatile fields (by
// model names), and which rules a tracked view holds.

import type { Reader } from '../../netlink/bytes.js';
import type { Connection } from '../../netlink/connection.js';
import type { DecodeContext } from '../../netlink/schema/index.js';
import { dumpMapped } from '../common/requests.js';
import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE, ruleMessage } from '../generated/rule.js';
import { ruleFromWire, type RuleWire } from './mapping.js';
import { ruleKey, type Rule } from './model.js';

/** The rule facts (see `FamilyInfo` in events/families.ts). @internal */
export const RULE_FACTS = {
  family: 'rule',
  newType: RTM_NEWRULE,
  delType: RTM_DELRULE,
  schema: ruleMessage,
  /** Decodes one RTM_NEWRULE / RTM_DELRULE payload into the model. */
  decode(r: Reader, offset: number, end: number, ctx: DecodeContext): Rule {
    return ruleFromWire(ruleMessage.decode(r, offset, end, ctx));
  },
  /** Every rule of every family; an interrupted dump is returned flagged. */
  async dump(conn: Connection): Promise<{ items: Rule[]; interrupted: boolean }> {
    const query = { family: 'unspec', dstLen: 0, srcLen: 0, tos: 0, frhTable: 0, action: 0, flags: [] } as Partial<RuleWire>;
    const res = await dumpMapped(conn, RTM_GETRULE, RTM_NEWRULE, ruleMessage, query, ruleFromWire, { dumpInterrupted: 'flag' });
    return { items: res.items, interrupted: res.interrupted };
  },
  // A rule has no id: everything that makes it match and act is its identity.
  key: ruleKey,
  // The kernel sets and clears `unresolved` (a goto target added or removed) and `iif-detached` /
  // `oif-detached` (a device appearing or going) without a rule event.
  volatile: { flags: true },
  kind(o: Rule, groups: ReadonlySet<string>): boolean {
    return (o.family === 'inet' && groups.has('ipv4-rule')) || (o.family === 'inet6' && groups.has('ipv6-rule'));
  },
  announced(): boolean {
    return true;
  },
} as const;
