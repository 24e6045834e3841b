// Due work waiting for a connection, first in, first out. The items already taken are dropped
// now and then, not at each take, so a long backlog costs no copy per item.

/** Past this many taken items, the array is compacted (when they are most of it). */
const COMPACT_AFTER = 1024;

export class Backlog<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, or undefined when none waits. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Every item still waiting, oldest first. */
  waiting(): readonly T[] {
    return this.items.slice(this.head);
  }
}
