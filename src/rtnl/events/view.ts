// The tracked view of one family: its objects by identity key, kept up to date by applying the
// kernel's messages, with the changes each message makes.

import { equalObjects, routeBaseKey, type FamilyInfo, type RtnlGroupName } from './families.js';

/** A decoded object, as the view keeps it. */
export type Obj = Record<string, unknown>;

/** The objects of one family, by key; routes are also indexed by destination for NLM_F_REPLACE. */
export class View {
  readonly map = new Map<string, Obj>();
  readonly #base: Map<string, Set<string>> | undefined;
  /** Set by {@link View.apply} when a route message touches a multipath route path by path. */
  ambiguous = false;

  constructor(readonly info: FamilyInfo) {
    if (info.family === 'route') this.#base = new Map();
  }

  set(key: string, o: Obj): void {
    this.map.set(key, o);
    if (this.#base) {
      const b = routeBaseKey(o);
      let keys = this.#base.get(b);
      if (!keys) this.#base.set(b, (keys = new Set()));
      keys.add(key);
    }
  }

  delete(key: string): void {
    const o = this.map.get(key);
    if (o === undefined) return;
    this.map.delete(key);
    if (this.#base) {
      const b = routeBaseKey(o);
      const keys = this.#base.get(b);
      keys?.delete(key);
      if (keys?.size === 0) this.#base.delete(b);
    }
  }

  /** Keys of the routes with the same destination, table, tos and priority as `o`. */
  siblings(o: Obj): string[] {
    return [...(this.#base?.get(routeBaseKey(o)) ?? [])];
  }

  /**
   * Applies one kernel message and returns the changes it makes to the view: nothing for a `new`
   * equal to what is there or a `del` of an unknown key.
   */
  apply(del: boolean, o: Obj, replace: boolean, groups: ReadonlySet<RtnlGroupName>, fromDump = false): { del: boolean; object: Obj }[] {
    if (!this.info.kind(o, groups)) return [];
    const key = this.info.key(o);
    if (this.#base && !fromDump && !this.map.has(key)) {
      const siblings = this.siblings(o);
      if (siblings.length > 0 && (o.nexthops !== undefined || siblings.some((k) => this.map.get(k)?.nexthops !== undefined))) this.ambiguous = true;
    }
    // An object that leaves the view (an IPv6 address tentative again) is deleted from it.
    if (!del && !this.info.announced(o)) {
      const prev = this.map.get(key);
      if (prev === undefined) return [];
      this.delete(key);
      return [{ del: true, object: prev }];
    }
    if (del) {
      if (!this.map.has(key)) return [];
      this.delete(key);
      return [{ del: true, object: o }];
    }
    const out: { del: boolean; object: Obj }[] = [];
    if (replace && this.#base) {
      for (const k of this.siblings(o)) {
        if (k === key) continue;
        out.push({ del: true, object: this.map.get(k) as Obj });
        this.delete(k);
      }
    }
    const prev = this.map.get(key);
    this.set(key, o);
    if (prev === undefined || !equalObjects(prev, o, this.info.volatile)) out.push({ del: false, object: o });
    return out;
  }
}
