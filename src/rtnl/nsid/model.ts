// The nsid model: one shape for what list() and events return and what add() takes.

import { InvalidArgumentError } from '../../netlink/errors.js';
import { checkKeys, checkObject } from '../common/model.js';

/** One id this namespace gives to another namespace, as `ip netns list-id` shows it. */
export interface Nsid {
  /** The id, 0 to 2^31-1. */
  nsid: number;
  /**
   * The name (under /run/netns) of the namespace it stands for, when it has one. {@link Nsids.list}
   * looks names up; events leave it out.
   */
  name?: string;
}

/**
 * An id to assign with {@link Nsids.add}, like `ip netns set NAME ID`: the {@link Nsid} shape, with
 * the id optional (the kernel picks one) and the name required at run time.
 */
export interface NsidSpec {
  /** The id, 0 to 2^31-1; the kernel picks one when absent. */
  nsid?: number;
  /** The name (under /run/netns) of the namespace that gets the id. */
  name?: string;
}

const NSID_KEYS: ReadonlySet<string> = new Set<keyof NsidSpec>(['nsid', 'name']);

/**
 * Checks that `spec` is an object with no key an {@link NsidSpec} does not have, and a name.
 * @throws {@link InvalidArgumentError} naming the first unknown key.
 */
export function checkNsidKeys(spec: unknown): asserts spec is NsidSpec & { name: string } {
  checkObject(spec, 'nsid', '{ nsid?, name }');
  checkKeys(spec, NSID_KEYS);
  if (typeof spec.name !== 'string') throw new InvalidArgumentError('name', 'the namespace to give the id to is needed, by its name under /run/netns');
}

/** The identity of an nsid: the id. */
export function nsidKey(n: Pick<Nsid, 'nsid'>): string {
  return String(n.nsid);
}
