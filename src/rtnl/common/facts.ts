// The facts object each kind folder exports (`<kind>/facts.ts`): its wire schema, its message
// types, its multicast groups, the one mapping from the wire message into the model, its identity
// key, what counts as volatile, and which objects a tracked view holds. The registry, the events
// (`events/families.ts` only collects these) and the request helpers read them.

import type { Connection } from '../../netlink/connection.js';
import type { MessageSchema } from '../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../netlink/schema/index.js';

/** Fields to leave out when comparing two objects: `true` skips the key, an object descends into it (into each element of an array). */
export interface IgnoreTree {
  readonly [key: string]: true | IgnoreTree;
}

/** What the library knows about one kind of object, on the fields of its model `M`. @internal */
export interface KindFacts<M extends object, W = unknown> {
  /** The message type that reports a new or changed object (RTM_NEW*). */
  readonly newType: number;
  /** The message type that reports a deleted object (RTM_DEL*). */
  readonly delType: number;
  /** The wire schema of its messages. */
  readonly schema: MessageSchema<StructMembers, AttrSpecs>;
  /** The one mapping from a decoded wire message to the model. */
  fromWire(wire: W): M;
  /**
   * Dumps every object of the kind (no filter), mapped into the model as each message is decoded.
   * An interrupted dump (NLM_F_DUMP_INTR) is returned as it is, flagged.
   */
  dump(conn: Connection): Promise<{ items: M[]; interrupted: boolean }>;
  /** The identity of an object inside its kind (what makes two objects "the same"). */
  key(o: M): string;
  /** Model fields that change without an event (counters, timers): equality ignores them. */
  readonly volatile: IgnoreTree;
  /**
   * Whether an object is of the kind a view holds, given the joined multicast groups (by name) of
   * this kind. Other messages are ignored by views, `del`s included.
   */
  kind(o: M, groups: ReadonlySet<string>): boolean;
  /**
   * Whether the object is in a state the kernel announces. An object of the right kind that is not
   * leaves the view.
   */
  announced(o: M): boolean;
  /**
   * Kinds (by event family name) whose objects the kernel may have changed without an event of
   * their own when it announces `o` (`del`: deleted; otherwise created or changed): a tracked view
   * of those kinds dumps them again. `has` tells whether the view of this kind holds a key.
   * Absent: no such changes.
   */
  silentChanges?(o: M, del: boolean, has: (key: string) => boolean): readonly string[];
  /**
   * The kernel removes the kind's objects with their link (interface) without an event of their
   * own: a tracked view of the kind dumps it again when a link is deleted.
   */
  readonly goWithLink?: boolean;
}
