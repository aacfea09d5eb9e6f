/** A binary min-heap on a numeric priority (the static depth-first order of a task). */
export class Heap<T extends { priority: number }> {
  readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(x: T): void {
    const a = this.items;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].priority <= x.priority) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = x;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && a[r].priority < a[l].priority ? r : l;
        if (a[c].priority >= last.priority) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
