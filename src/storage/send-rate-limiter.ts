import { isStorageError, tableNames } from './tables.js';
import type { Tables } from './tables.js';

interface SlotEntity {
  partitionKey: string;
  rowKey: string;
  nextSlot: number;
}

/**
 * One sending rate for the mailbox across every worker and instance. Each send reserves the next
 * free slot on a shared schedule (slots are 60 s / cap apart, so no 60-second window ever holds
 * more than `cap` sends) and waits for it. Exchange Online allows 30 a minute per mailbox; the cap
 * stays below that.
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 */
export class SendRateLimiter {
  private readonly intervalMs: number;

  constructor(
    private readonly tables: Tables,
    private readonly mailbox: string,
    perMinute: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.intervalMs = 60_000 / perMinute;
  }

  /** Resolves when this caller may send, with the time of its slot. */
  async acquire(): Promise<number> {
    const slot = await this.reserve();
    const wait = slot - this.clock();
    if (wait > 0) await this.sleep(wait);
    return slot;
  }

  private async reserve(): Promise<number> {
    const table = await this.tables.client(tableNames.sendRate);
    const partitionKey = 'mailbox';
    const rowKey = this.mailbox.toLowerCase();
    for (;;) {
      const now = this.clock();
      let current: (SlotEntity & { etag: string }) | undefined;
      try {
        current = await table.getEntity<SlotEntity>(partitionKey, rowKey);
      } catch (error) {
        if (!isStorageError(error, 404)) throw error;
      }
      const slot = Math.max(current?.nextSlot ?? 0, now);
      try {
        if (current) await table.updateEntity({ partitionKey, rowKey, nextSlot: slot + this.intervalMs }, 'Replace', { etag: current.etag });
        else await table.createEntity<SlotEntity>({ partitionKey, rowKey, nextSlot: slot + this.intervalMs });
        return slot;
      } catch (error) {
        // Another sender took the slot first: read again and take the next one.
        if (!isStorageError(error, 412) && !isStorageError(error, 409)) throw error;
      }
    }
  }
}
