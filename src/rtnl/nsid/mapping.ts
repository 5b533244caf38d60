// The one mapping between the nsid model and its wire message (struct rtgenmsg + NETNSA_*). Pure:
// no I/O (names under /run/netns are looked up by the operations class).

import type { SchemaValue } from '../../netlink/message.js';
import { checkInteger } from '../common/checks.js';
import type { Nsid, NsidSpec } from './model.js';
import { NETNSA_NSID_NOT_ASSIGNED, type nsidMessage } from './wire.js';

/** An nsid message as the wire schema decodes and encodes it: `nsid`, and `currentNsid` in answers about another namespace's view. */
export type NsidMessage = SchemaValue<typeof nsidMessage>;

/** The model of a decoded nsid message (without a name: that needs a look under /run/netns). */
export function nsidFromWire(w: NsidMessage): Nsid {
  return { nsid: w.nsid ?? NETNSA_NSID_NOT_ASSIGNED };
}

/**
 * The wire message assigning an id (the namespace itself is selected by the operations class,
 * with NETNSA_FD or NETNSA_PID). Without an id, asks the kernel to pick one.
 * @throws {@link InvalidArgumentError} naming `nsid` when it is not an id.
 */
export function nsidToWire(spec: Pick<NsidSpec, 'nsid'>): NsidMessage {
  checkInteger('nsid', spec.nsid, 0, 0x7fffffff);
  return { family: 'unspec', nsid: spec.nsid ?? NETNSA_NSID_NOT_ASSIGNED };
}
