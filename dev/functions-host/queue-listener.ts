import { randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';
import type { StorageQueueHandler } from '@azure/functions';
import type { QueueClient, DequeuedMessageItem } from '@azure/storage-queue';
import type { Logger } from 'pino';
import type { QueueSettings } from './host-json.js';
import { sleep } from '../../src/resilience/retry.js';

export interface QueueListenerOptions {
  functionName: string;
  queue: QueueClient;
  poisonQueue: QueueClient;
  handler: StorageQueueHandler;
  settings: QueueSettings;
  /** How long a message being processed stays invisible; renewed while the function runs (the runtime uses 10 minutes). */
  leaseMs: number;
  log: Logger;
}


function decode(message: DequeuedMessageItem, encoding: QueueSettings['messageEncoding']): { raw: string; value: unknown } {
  const raw = encoding === 'base64' ? Buffer.from(message.messageText, 'base64').toString('utf8') : message.messageText;
  try {
    return { raw, value: JSON.parse(raw) };
  } catch {
    return { raw, value: raw };
  }
}

/**
 * Polls a queue as the Functions queue trigger does: batches of `batchSize`, a fresh batch when
 * in-flight work drops to `newBatchThreshold`, exponential back-off to `maxPollingInterval` when
 * empty, a renewed lease while the function runs, `visibilityTimeout` before a retry, and the
 * poison queue after `maxDequeueCount` attempts.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#poison-messages
 */
export class QueueListener {
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;

  constructor(private readonly options: QueueListenerOptions) {}

  start(): void {
    this.loop = this.poll();
  }

  private get newBatchThreshold(): number {
    return this.options.settings.newBatchThreshold ?? Math.floor(this.options.settings.batchSize / 2);
  }

  private async poll(): Promise<void> {
    const { queue, settings, log } = this.options;
    let idleDelay = 100;
    while (!this.stopping) {
      if (this.inFlight.size > this.newBatchThreshold) {
        await Promise.race(this.inFlight);
        continue;
      }
      let messages: DequeuedMessageItem[] = [];
      try {
        const response = await queue.receiveMessages({ numberOfMessages: settings.batchSize, visibilityTimeout: Math.ceil(this.options.leaseMs / 1000) });
        messages = response.receivedMessageItems;
      } catch (error) {
        if (!this.stopping) log.warn({ err: error, queue: queue.name }, 'queue poll failed; retrying');
      }
      if (messages.length === 0) {
        await sleep(idleDelay);
        idleDelay = Math.min(idleDelay * 2, settings.maxPollingInterval);
        continue;
      }
      idleDelay = 100;
      for (const message of messages) {
        const work = this.process(message).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      }
    }
  }

  private async process(message: DequeuedMessageItem): Promise<void> {
    const { queue, settings, handler, functionName, log } = this.options;
    let popReceipt = message.popReceipt;
    if (message.dequeueCount > settings.maxDequeueCount) {
      await this.moveToPoison(message, popReceipt);
      return;
    }
    // Keep the message invisible while the function runs, as the runtime does.
    const renewEvery = Math.max(250, Math.floor(this.options.leaseMs / 2));
    const renewal = setInterval(() => {
      queue
        .updateMessage(message.messageId, popReceipt, undefined, Math.ceil(this.options.leaseMs / 1000))
        .then((updated) => {
          popReceipt = updated.popReceipt ?? popReceipt;
        })
        .catch((error: unknown) => log.warn({ err: error }, 'could not renew a queue message lease'));
    }, renewEvery);
    const { raw, value } = decode(message, settings.messageEncoding);
    const invocationId = randomUUID();
    const context = new azureFunctions.InvocationContext({
      invocationId,
      functionName,
      logHandler: (level, ...args) => log[level === 'warning' ? 'warn' : level === 'information' ? 'info' : level === 'critical' ? 'fatal' : level === 'none' ? 'trace' : level]({ invocationId }, args.map(String).join(' ')),
      triggerMetadata: {
        id: message.messageId,
        queueTrigger: raw,
        dequeueCount: message.dequeueCount,
        insertionTime: message.insertedOn,
        expirationTime: message.expiresOn,
        nextVisibleTime: message.nextVisibleOn,
        popReceipt: message.popReceipt,
      },
      options: { trigger: { type: 'queueTrigger', name: 'queueEntry' }, extraInputs: [], extraOutputs: [] },
    });
    let failure: unknown;
    try {
      await handler(value, context);
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(renewal);
    }
    try {
      if (failure === undefined) {
        await queue.deleteMessage(message.messageId, popReceipt);
        return;
      }
      log.warn({ err: failure, function: functionName, dequeueCount: message.dequeueCount }, 'queue function failed');
      if (message.dequeueCount >= settings.maxDequeueCount) await this.moveToPoison(message, popReceipt);
      else await queue.updateMessage(message.messageId, popReceipt, undefined, Math.ceil(settings.visibilityTimeout / 1000));
    } catch (error) {
      log.warn({ err: error }, 'could not settle a queue message; it will be retried when its lease ends');
    }
  }

  private async moveToPoison(message: DequeuedMessageItem, popReceipt: string): Promise<void> {
    const { queue, poisonQueue, log, functionName } = this.options;
    await poisonQueue.sendMessage(message.messageText);
    await queue.deleteMessage(message.messageId, popReceipt);
    log.error({ function: functionName, messageId: message.messageId, dequeueCount: message.dequeueCount, poisonQueue: poisonQueue.name }, 'moved a message to the poison queue');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await Promise.allSettled(this.inFlight);
  }
}
