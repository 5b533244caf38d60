// What the registry and the events know about rules, on the model's fields: the wire schema and
// message types, the mapping into the model, the dump of every rule, the identity key, the
// volatile fields, and which rules a tracked view holds.

import type { Connection } from '../../netlink/connection.js';
import type { MessageSchema } from '../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../netlink/schema/index.js';
import type { KindFacts } from '../common/facts.js';
import { dumpObjects } from '../common/requests.js';
import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE, ruleMessage } from '../generated/rule.js';
import { ruleFromWire, type RuleWire } from './mapping.js';
import { ruleKey, type Rule } from './model.js';

/** Dumps every rule of both families into the model. */
export async function dumpRules(conn: Connection): Promise<{ items: Rule[]; interrupted: boolean }> {
  const query: Partial<RuleWire> = { family: 'unspec', dstLen: 0, srcLen: 0, tos: 0, frhTable: 0, action: 0, flags: [] };
  const res = await dumpObjects(conn, RTM_GETRULE, RTM_NEWRULE, ruleMessage, query, { dumpInterrupted: 'flag' }, ruleFromWire);
  return { items: res.items, interrupted: res.interrupted };
}

/** The facts of rules. @internal */
export const ruleFacts: KindFacts<Rule, RuleWire> = {
  newType: RTM_NEWRULE,
  delType: RTM_DELRULE,
  schema: ruleMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  fromWire: ruleFromWire,
  dump: dumpRules,
  // A rule has no id: everything that makes it match and act is its identity.
  key: ruleKey,
  // The kernel sets and clears `unresolved` (a goto target added or removed) and `iif-detached` /
  // `oif-detached` (a device appearing or going) without a rule event.
  volatile: { flags: true },
  kind: (r, groups) => (r.family === 'inet' && groups.has('ipv4-rule')) || (r.family === 'inet6' && groups.has('ipv6-rule')),
  announced: () => true,
};
