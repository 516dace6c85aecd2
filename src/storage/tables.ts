import { keyDigest } from '../domain/key-digest.js';
import { RestError, TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import type { StorageTarget } from '../config.js';

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

  /** `credential` is required for identity-based storage: the one weqs also uses for Graph. */
  constructor(
    private readonly storage: StorageTarget,
    private readonly credential?: TokenCredential,
  ) {}

  client(name: TableName): Promise<TableClient> {
    let client = this.ready.get(name);
    if (!client) {
      const table = this.existing(name);
      client = table.createTable().then(() => table);
      client.catch(() => this.ready.delete(name));
      this.ready.set(name, client);
    }
    return client;
  }

  /** A client for a table as it is, never creating it: for read-only checks (`weqs doctor`). */
  existing(name: TableName): TableClient {
    return 'connectionString' in this.storage
      ? TableClient.fromConnectionString(this.storage.connectionString, name, { allowInsecureConnection: this.storage.connectionString.includes('http://127.0.0.1') || this.storage.connectionString.includes('UseDevelopmentStorage=true') })
      : new TableClient(this.storage.serviceUris.table, name, requireCredential(this.credential));
  }
}

export function requireCredential(credential: TokenCredential | undefined): TokenCredential {
  if (!credential) throw new Error('Identity-based storage needs the weqs credential (build it in the composition root)');
  return credential;
}

export { keyDigest };

export function isStorageError(error: unknown, status: number): error is RestError {
  return error instanceof RestError && error.statusCode === status;
}
