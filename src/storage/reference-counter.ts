import { formatApplicationReference } from '../domain/application-reference.js';
import { done, retry, tryAgain } from '../resilience/retry.js';
import type { AttemptOutcome } from '../resilience/retry.js';
import { isStorageError, tableNames } from './tables.js';
import type { Tables } from './tables.js';

interface CounterEntity {
  partitionKey: string;
  rowKey: string;
  value: number;
}

/**
 * Application references such as WEQS-2026-0042: a per-year counter advanced with optimistic
 * concurrency, so instances never hand out the same number.
 */
export class ReferenceCounter {
  constructor(
    private readonly tables: Tables,
    private readonly prefix: string,
  ) {}

  async next(year: number): Promise<string> {
    const table = await this.tables.client(tableNames.counters);
    const partitionKey = 'application-reference';
    const rowKey = String(year);
    const allocate = async (): Promise<AttemptOutcome<string>> => {
      try {
        const current = await table.getEntity<CounterEntity>(partitionKey, rowKey);
        const value = current.value + 1;
        await table.updateEntity({ partitionKey, rowKey, value }, 'Replace', { etag: current.etag });
        return done(this.format(year, value));
      } catch (error) {
        if (isStorageError(error, 404)) {
          try {
            await table.createEntity<CounterEntity>({ partitionKey, rowKey, value: 1 });
            return done(this.format(year, 1));
          } catch (createError) {
            if (!isStorageError(createError, 409)) throw createError;
          }
        } else if (!isStorageError(error, 412)) {
          throw error;
        }
        return tryAgain('another allocator advanced the counter first');
      }
    };
    return retry(allocate, {
      attempts: 50,
      // Contending allocators back off by a random few milliseconds instead of colliding again in step.
      backoffMs: (attempt) => Math.random() * 10 * attempt,
      exhausted: () => new Error('Could not allocate an application reference after 50 attempts of contention.'),
    });
  }

  private format(year: number, value: number): string {
    return formatApplicationReference(this.prefix, year, value);
  }
}
