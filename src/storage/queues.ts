import type { TokenCredential } from '@azure/core-auth';
import { QueueServiceClient } from '@azure/storage-queue';
import type { QueueClient, StoragePipelineOptions } from '@azure/storage-queue';
import type { StorageTarget } from '../config.js';
import type { QueueName } from './queue-names.js';
import { requireCredential } from './tables.js';

export { queueNames } from './queue-names.js';
export type { QueueName } from './queue-names.js';

export function queueServiceClient(storage: StorageTarget, credential?: TokenCredential, options?: StoragePipelineOptions): QueueServiceClient {
  if ('connectionString' in storage) return QueueServiceClient.fromConnectionString(storage.connectionString, options);
  return new QueueServiceClient(storage.serviceUris.queue, requireCredential(credential), options);
}

/**
 * Messages are base64-encoded JSON, as the Functions queue trigger expects by default
 * (host.json `extensions.queues.messageEncoding`).
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue#host-json
 */
export function encodeQueueMessage(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

export class Queues {
  private readonly ready = new Map<string, Promise<QueueClient>>();

  constructor(private readonly service: QueueServiceClient) {}

  client(name: QueueName | `${QueueName}-poison`): Promise<QueueClient> {
    let client = this.ready.get(name);
    if (!client) {
      const queue = this.service.getQueueClient(name);
      client = queue.createIfNotExists().then(() => queue);
      client.catch(() => this.ready.delete(name));
      this.ready.set(name, client);
    }
    return client;
  }

  /** A client for a queue as it is, never creating it: for read-only checks (`weqs doctor`). */
  existing(name: QueueName | `${QueueName}-poison`): QueueClient {
    return this.service.getQueueClient(name);
  }

  async send(name: QueueName, value: unknown, options: { visibilityTimeoutSeconds?: number } = {}): Promise<void> {
    const queue = await this.client(name);
    await queue.sendMessage(encodeQueueMessage(value), options.visibilityTimeoutSeconds ? { visibilityTimeout: options.visibilityTimeoutSeconds } : {});
  }
}
