import { isStorageError, tableNames } from './tables.js';
import type { Tables } from './tables.js';

/** Small named values the service keeps between runs, such as the inbox delta link. */
export class ServiceState {
  constructor(private readonly tables: Tables) {}

  async get(name: string): Promise<string | undefined> {
    const table = await this.tables.client(tableNames.state);
    try {
      return (await table.getEntity<{ value: string }>('state', name)).value;
    } catch (error) {
      if (isStorageError(error, 404)) return undefined;
      throw error;
    }
  }

  async set(name: string, value: string): Promise<void> {
    const table = await this.tables.client(tableNames.state);
    await table.upsertEntity({ partitionKey: 'state', rowKey: name, value }, 'Replace');
  }
}
