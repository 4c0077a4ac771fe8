// At most `limit` tasks per key at once in this process; the rest wait in order.
// Used to keep a lock convoy out of PostgreSQL: dozens of transactions queued on one
// hot row wake together on every commit and re-check their conditions, which costs
// far more than waiting their turn here.
export class KeyedGate {
  private readonly running = new Map<string, { active: number; waiting: Array<() => void> }>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let slot = this.running.get(key);
    if (!slot) this.running.set(key, (slot = { active: 0, waiting: [] }));
    if (slot.active >= this.limit) await new Promise<void>((resolve) => slot!.waiting.push(resolve));
    slot.active += 1;
    try {
      return await task();
    } finally {
      slot.active -= 1;
      const next = slot.waiting.shift();
      if (next) next();
      else if (slot.active === 0) this.running.delete(key);
    }
  }
}
