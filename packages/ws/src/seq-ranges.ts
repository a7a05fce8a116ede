/**
 * A set of outbox seqs kept as sorted, disjoint, half-open ranges `(after, upTo]`: "every event of one
 * scope with a seq in this range has been delivered". A session adds one range per scope when a replay
 * run ends, so a later replay that covers the same seqs skips them (exactly once, whatever the order of
 * `subscribe` and `resume`). Adjacent and overlapping ranges merge: a session holds a handful.
 */
export class SeqRanges {
  /** `[after, upTo]` pairs, sorted by `after`, disjoint and not touching. */
  readonly #ranges: [number, number][] = [];

  /** Adds `(after, upTo]`; nothing when the range is empty. */
  add(after: number, upTo: number): void {
    if (!(upTo > after)) return;
    let lo = after;
    let hi = upTo;
    const kept: [number, number][] = [];
    for (const [a, b] of this.#ranges) {
      if (b < lo || a > hi) kept.push([a, b]);
      else {
        lo = Math.min(lo, a);
        hi = Math.max(hi, b);
      }
    }
    kept.push([lo, hi]);
    kept.sort((x, y) => x[0] - y[0]);
    this.#ranges.length = 0;
    this.#ranges.push(...kept);
  }

  has(seq: number): boolean {
    for (const [after, upTo] of this.#ranges) {
      if (seq <= after) return false;
      if (seq <= upTo) return true;
    }
    return false;
  }

  /** The ranges, for tests. */
  toArray(): [number, number][] {
    return this.#ranges.map(([a, b]) => [a, b]);
  }
}
