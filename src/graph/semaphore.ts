/**
 * Counting semaphore for bounding concurrent work inside one process. Waiters are served by
 * priority (lower number first), then in order of arrival.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: { count: number; priority: number; resolve: () => void }[] = [];

  constructor(readonly limit: number) {
    this.available = limit;
  }

  async acquire(count = 1, priority = 0): Promise<void> {
    if (count <= 0) return;
    if (this.waiters.length === 0 && this.available >= count) {
      this.available -= count;
      return;
    }
    await new Promise<void>((resolve) => {
      const at = this.waiters.findIndex((waiter) => waiter.priority > priority);
      this.waiters.splice(at === -1 ? this.waiters.length : at, 0, { count, priority, resolve });
    });
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

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
