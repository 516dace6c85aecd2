import { createHash } from 'node:crypto';
import { RestError, TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config.js';

/** Every table weqs keeps; created on first use. */
export const tableNames = {
  claims: 'organisationclaims',
  inbound: 'inboundemails',
  sentMail: 'sentmail',
  counters: 'counters',
  sendRate: 'sendrate',
  replyLimits: 'replylimits',
  state: 'servicestate',
} as const;

export type TableName = (typeof tableNames)[keyof typeof tableNames];

export class Tables {
  private readonly ready = new Map<string, Promise<TableClient>>();

  constructor(private readonly storage: Config['storage']) {}

  client(name: TableName): Promise<TableClient> {
    let client = this.ready.get(name);
    if (!client) {
      const table =
        'connectionString' in this.storage
          ? TableClient.fromConnectionString(this.storage.connectionString, name, { allowInsecureConnection: this.storage.connectionString.includes('http://127.0.0.1') || this.storage.connectionString.includes('UseDevelopmentStorage=true') })
          : new TableClient(`https://${this.storage.accountName}.table.core.windows.net`, name, new DefaultAzureCredential());
      client = table.createTable().then(() => table);
      client.catch(() => this.ready.delete(name));
      this.ready.set(name, client);
    }
    return client;
  }
}

/**
 * Table keys may not contain / \ # ? or control characters and are limited to 1 KiB, so values from
 * email (message ids, organisation keys) become a fixed-length digest.
 */
export function keyDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

export function isStorageError(error: unknown, status: number): error is RestError {
  return error instanceof RestError && error.statusCode === status;
}
