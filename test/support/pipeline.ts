import { ResponseType } from '@microsoft/microsoft-graph-client';
import { QueueServiceClient } from '@azure/storage-queue';
import type { EmulatorDriveNode, EmulatorState, InboundEmail } from '../../dev/emulator-client.js';
import { queueNames } from '../../src/storage/queue-names.js';
import { InboundLedger } from '../../src/storage/inbound-ledger.js';
import type { InboundRecord } from '../../src/storage/inbound-ledger.js';
import { Tables } from '../../src/storage/tables.js';
import type { Stack } from './stack.js';

import { sleep } from '../../src/resilience/retry.js';

export function ledgerOf(stack: Stack): InboundLedger {
  return new InboundLedger(new Tables({ connectionString: stack.storage.connectionString }), 0);
}

/** Waits until the email has its recorded outcome in the ledger. */
export async function outcomeOf(stack: Stack, internetMessageId: string, timeoutMs = 45_000): Promise<InboundRecord> {
  const ledger = ledgerOf(stack);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await ledger.get(InboundLedger.keyFor(internetMessageId));
    if (record?.state === 'done') return record;
    if (Date.now() > deadline) throw new Error(`No outcome for ${internetMessageId} within ${timeoutMs} ms (ledger: ${JSON.stringify(record)}).\n${stack.logs.slice(-10).map((line) => JSON.stringify(line)).join('\n')}`);
    await sleep(200);
  }
}

/**
 * Waits until the host has finished with every queued email: the inbound queue holds no message,
 * visible or not. A message leaves the queue only when its function has returned (or when it goes
 * to the poison queue), and a deferral queues its successor before the first is deleted, so an
 * empty queue means nothing is left to happen. Azure Storage and Azurite both count invisible
 * messages in approximateMessagesCount.
 */
export async function inboundQueueDrained(stack: Stack, timeoutMs = 45_000): Promise<void> {
  const queue = QueueServiceClient.fromConnectionString(stack.storage.connectionString).getQueueClient(queueNames.inboundMessages);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { approximateMessagesCount } = await queue.getProperties();
    if (approximateMessagesCount === 0) return;
    if (Date.now() > deadline) throw new Error(`The inbound queue still holds ${String(approximateMessagesCount)} message(s) after ${timeoutMs} ms.\n${stack.logs.slice(-10).map((line) => JSON.stringify(line)).join('\n')}`);
    await sleep(100);
  }
}

/** The emulator's record of the change notifications it made about one inbox message. */
export function notificationsAbout(state: EmulatorState, messageId: string): EmulatorState['notifications'] {
  return state.notifications.filter((entry) => entry.kind === 'change' && entry.payload?.resourceData?.id === messageId);
}

/**
 * Jumping the emulator's clock months ahead expires the inbox subscription, as Graph would, while
 * weqs's six-hourly upkeep reckons by the real clock; a test at a simulated moment subscribes here,
 * as weqs's app and with its settings (the webhook ignores subscriptions its app does not hold).
 */
export async function subscribeAsWeqs(stack: Stack, at: Date): Promise<void> {
  await stack.env.graph.api('/subscriptions').post({
    changeType: 'created',
    resource: `users/${stack.settings.WEQS_INBOX_ADDRESS ?? ''}/mailFolders('inbox')/messages`,
    notificationUrl: stack.settings.WEQS_NOTIFICATION_URL,
    clientState: stack.settings.WEQS_SUBSCRIPTION_CLIENT_STATE,
    expirationDateTime: new Date(at.getTime() + 3 * 24 * 3600_000).toISOString(),
  });
}

export async function deliverAndWait(stack: Stack, email: InboundEmail): Promise<{ id: string; internetMessageId: string; record: InboundRecord }> {
  const delivered = await stack.env.control.deliver(email);
  return { ...delivered, record: await outcomeOf(stack, delivered.internetMessageId) };
}

export function evidenceRoot(state: EmulatorState): EmulatorDriveNode {
  const drive = state.sites[0]?.drives.find((candidate) => candidate.name === 'Application evidence');
  if (!drive) throw new Error('no evidence library');
  return drive.root;
}

export function applicationRows(state: EmulatorState): Record<string, unknown>[] {
  return (state.sites[0]?.lists.find((list) => list.displayName === 'Applications')?.items ?? []).map((item) => item.fields);
}

export function inboxMessage(state: EmulatorState, id: string): EmulatorState['mailboxes'][number]['folders'][string][number] | undefined {
  return state.mailboxes[0]?.folders.inbox?.find((message) => message.id === id);
}

export function mailTo(state: EmulatorState, address: string): EmulatorState['outbound'] {
  return state.outbound.filter((record) => record.to.some((to) => to.toLowerCase() === address.toLowerCase()));
}

export function cardsTitled(state: EmulatorState, title: RegExp): unknown[] {
  return state.teams.filter((post) => title.test(JSON.stringify(post.card)));
}

/** Every application form in the evidence library, as stored, with when it was created (Graph's createdDateTime). */
export async function applicationForms(stack: Stack): Promise<{ name: string; docx: Uint8Array; createdAt: string }[]> {
  const state = await stack.env.control.state();
  const drive = state.sites[0]?.drives.find((candidate) => candidate.name === 'Application evidence');
  if (!drive) throw new Error('no evidence library');
  const forms = drive.root.children.flatMap((folder) => folder.children.filter((node) => node.name === 'Application form.docx').map((node) => ({ folder: folder.name, id: node.id })));
  return Promise.all(
    forms.map(async (form) => {
      const item = (await stack.env.graph.api(`/drives/${drive.id}/items/${form.id}`).get()) as { createdDateTime: string };
      const content = (await stack.env.graph.api(`/drives/${drive.id}/items/${form.id}/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
      return { name: `${form.folder}/Application form.docx`, docx: new Uint8Array(content), createdAt: item.createdDateTime };
    }),
  );
}
