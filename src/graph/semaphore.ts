/** Counting semaphore for bounding concurrent work inside one process; waiters are served in order. */
export class Semaphore {
  private available: number;
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(readonly limit: number) {
    this.available = limit;
  }

  async acquire(count = 1): Promise<void> {
    if (count <= 0) return;
    if (this.waiters.length === 0 && this.available >= count) {
      this.available -= count;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
  }

  release(count = 1): void {
    if (count <= 0) return;
    this.available += count;
    while (this.waiters[0] && this.available >= this.waiters[0].count) {
      const next = this.waiters.shift() as { count: number; resolve: () => void };
      this.available -= next.count;
      next.resolve();
    }
  }

  async run<T>(work: () => Promise<T>, count = 1): Promise<T> {
    await this.acquire(count);
    try {
      return await work();
    } finally {
      this.release(count);
    }
  }
}
