import { PageIterator } from '@microsoft/microsoft-graph-client';
import type { PageCollection } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { graphError } from './support/clients.js';

/**
 * Delta query on a mail folder: https://learn.microsoft.com/graph/api/message-delta ,
 * https://learn.microsoft.com/graph/delta-query-messages (facts file §2, trap 10).
 */
interface DeltaItem {
  '@odata.type'?: string;
  id: string;
  subject?: string;
  isRead?: boolean;
  '@removed'?: { reason: string };
  [key: string]: unknown;
}

interface DeltaPage {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  value: DeltaItem[];
}

const deltaPath = `/users/${inbox}/mailFolders/inbox/messages/delta`;

describe('messages delta on the Inbox', () => {
  let env: TestEmulator;
  const deliver = (subject: string) => env.control.deliver({ from: { address: 'jo@trust.example' }, subject, body: subject });

  /** One full round through the SDK's PageIterator, as a daemon would run it. */
  async function round(first: string, pageSize?: number): Promise<{ items: DeltaItem[]; deltaLink: string }> {
    const headers: Record<string, string> = pageSize ? { Prefer: `odata.maxpagesize=${pageSize}` } : {};
    const firstPage = (await env.graph.api(first).headers(headers).get()) as PageCollection;
    const items: DeltaItem[] = [];
    const iterator = new PageIterator(env.graph, firstPage, (item: DeltaItem) => {
      items.push(item);
      return true;
    }, { headers });
    await iterator.iterate();
    const deltaLink = iterator.getDeltaLink();
    if (!deltaLink) throw new Error('the round ended without a deltaLink');
    return { items, deltaLink };
  }

  beforeAll(async () => {
    env = await startTestEmulator();
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
  });

  it('returns the initial round in pages of Prefer: odata.maxpagesize, each with an absolute https nextLink, the last with a deltaLink', async () => {
    const ids = new Set<string>();
    for (let index = 0; index < 5; index += 1) ids.add((await deliver(`Initial ${index}`)).id);
    const first = (await env.graph.api(deltaPath).header('Prefer', 'odata.maxpagesize=2').get()) as DeltaPage;
    expect(first.value).toHaveLength(2);
    expect(first['@odata.deltaLink']).toBeUndefined();
    expect(first['@odata.nextLink']?.startsWith(`${env.emulator.url}/v1.0/users/`)).toBe(true);
    expect(new URL(first['@odata.nextLink'] ?? '').searchParams.get('$skiptoken')).toBeTruthy();
    const second = (await env.graph.api(first['@odata.nextLink'] ?? '').header('Prefer', 'odata.maxpagesize=2').get()) as DeltaPage;
    expect(second.value).toHaveLength(2);
    const third = (await env.graph.api(second['@odata.nextLink'] ?? '').header('Prefer', 'odata.maxpagesize=2').get()) as DeltaPage;
    expect(third.value).toHaveLength(1);
    expect(third['@odata.nextLink']).toBeUndefined();
    expect(third['@odata.deltaLink']?.startsWith(`${env.emulator.url}/v1.0/users/`)).toBe(true);
    expect(new URL(third['@odata.deltaLink'] ?? '').searchParams.get('$deltatoken')).toBeTruthy();
    expect(new Set([...first.value, ...second.value, ...third.value].map((item) => item.id))).toEqual(ids);
    expect(first.value[0]?.['@odata.type']).toBe('#microsoft.graph.message');
  });

  it('lets the SDK PageIterator run a whole round and hand back the deltaLink', async () => {
    for (let index = 0; index < 5; index += 1) await deliver(`Iterated ${index}`);
    const { items, deltaLink } = await round(deltaPath, 2);
    expect(items.map((item) => item.subject).sort()).toEqual(['Iterated 0', 'Iterated 1', 'Iterated 2', 'Iterated 3', 'Iterated 4']);
    expect(deltaLink).toContain('$deltatoken=');
  });

  it('returns only new and changed messages after the deltaLink, with moved-out messages as @removed', async () => {
    const kept = await deliver('Kept');
    const marked = await deliver('Marked read');
    const moved = await deliver('Moved away');
    const { deltaLink } = await round(deltaPath);

    const nothing = (await env.graph.api(deltaLink).get()) as DeltaPage;
    expect(nothing.value).toEqual([]);
    expect(nothing['@odata.deltaLink']).toBeDefined();

    const fresh = await deliver('Arrived later');
    await env.graph.api(`/users/${inbox}/messages/${marked.id}`).patch({ isRead: true });
    await env.graph.api(`/users/${inbox}/messages/${moved.id}/move`).post({ destinationId: 'archive' });

    const { items, deltaLink: next } = await round(nothing['@odata.deltaLink'] ?? '');
    const byId = new Map(items.map((item) => [item.id, item]));
    expect(byId.has(kept.id)).toBe(false);
    expect(byId.get(fresh.id)).toMatchObject({ subject: 'Arrived later', isRead: false });
    expect(byId.get(marked.id)).toMatchObject({ subject: 'Marked read', isRead: true });
    expect(byId.get(moved.id)).toEqual({ '@odata.type': '#microsoft.graph.message', id: moved.id, '@removed': { reason: 'deleted' } });
    expect(items).toHaveLength(3);

    const after = (await env.graph.api(next).get()) as DeltaPage;
    expect(after.value).toEqual([]);
  });

  it('remembers $select from the first request in the nextLink and deltaLink tokens', async () => {
    for (let index = 0; index < 3; index += 1) await deliver(`Selected ${index}`);
    const { items, deltaLink } = await round(`${deltaPath}?$select=subject,isRead`, 2);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['@odata.etag', '@odata.type', 'id', 'isRead', 'subject']);
    await deliver('Selected later');
    const later = (await env.graph.api(deltaLink).get()) as DeltaPage;
    expect(later.value).toHaveLength(1);
    expect(Object.keys(later.value[0] ?? {}).sort()).toEqual(['@odata.etag', '@odata.type', 'id', 'isRead', 'subject']);
  });

  it('with changeType=created on the first call, later rounds report only new messages', async () => {
    const existing = await deliver('Existing');
    const { deltaLink } = await round(`${deltaPath}?changeType=created`);
    const fresh = await deliver('Brand new');
    await env.graph.api(`/users/${inbox}/messages/${existing.id}`).patch({ isRead: true });
    const { items } = await round(deltaLink);
    expect(items.map((item) => item.id)).toEqual([fresh.id]);
  });

  it('answers a delta token whose sync state expired with syncStateNotFound; a fresh round recovers', async () => {
    await deliver('Before expiry');
    const { deltaLink } = await round(deltaPath);
    await env.control.call('POST', `/_emulator/mailboxes/${inbox}/sync-state`, { mode: 'expired' });
    const error = await graphError(env.graph.api(deltaLink).get());
    expect(error.statusCode).toBe(400);
    expect(error.code.toLowerCase()).toBe('syncstatenotfound');
    const { items } = await round(deltaPath);
    expect(items.map((item) => item.subject)).toEqual(['Before expiry']);
  });

  it('answers a sync reset with 410 Gone and a Location that starts a new round with the original $select', async () => {
    await deliver('Before reset');
    const { deltaLink } = await round(`${deltaPath}?$select=subject`);
    await env.control.call('POST', `/_emulator/mailboxes/${inbox}/sync-state`, { mode: 'reset' });
    const error = await graphError(env.graph.api(deltaLink).get());
    expect(error.statusCode).toBe(410);
    const location = error.headers?.get('location') ?? '';
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(`${env.emulator.url}/v1.0${deltaPath}`);
    expect(url.searchParams.get('$deltatoken')).toBe('');
    expect(url.searchParams.get('$select')).toBe('subject');
    const { items } = await round(location);
    expect(items).toEqual([expect.objectContaining({ subject: 'Before reset' })]);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(['@odata.etag', '@odata.type', 'id', 'subject']);
  });

  it('rejects an in-progress nextLink after the sync state expired', async () => {
    for (let index = 0; index < 3; index += 1) await deliver(`Paged ${index}`);
    const first = (await env.graph.api(deltaPath).header('Prefer', 'odata.maxpagesize=1').get()) as DeltaPage;
    await env.control.call('POST', `/_emulator/mailboxes/${inbox}/sync-state`, { mode: 'expired' });
    const error = await graphError(env.graph.api(first['@odata.nextLink'] ?? '').get());
    expect([error.statusCode, error.code]).toEqual([400, 'syncStateNotFound']);
  });

  it('refuses a $filter or $orderby that delta on messages does not support, instead of ignoring it', async () => {
    await deliver('Filtered');
    const bySubject = await graphError(env.graph.api(deltaPath).filter("subject eq 'Filtered'").get());
    expect([bySubject.statusCode, bySubject.code]).toEqual([400, 'ErrorInvalidUrlQueryFilter']);
    const byFrom = await graphError(env.graph.api(deltaPath).orderby('from/emailAddress/address').get());
    expect([byFrom.statusCode, byFrom.code]).toEqual([400, 'ErrorInvalidUrlQuery']);
    const ascending = await graphError(env.graph.api(deltaPath).orderby('receivedDateTime asc').get());
    expect(ascending.statusCode).toBe(400);
  });

  it('accepts the documented receivedDateTime ge filter and orderby receivedDateTime desc', async () => {
    await env.control.call('POST', '/_emulator/clock', { advanceMs: -3_600_000 });
    await deliver('An hour ago');
    await env.control.call('POST', '/_emulator/clock', { advanceMs: 3_600_000 });
    await deliver('Just now');
    const since = new Date(Date.now() - 600_000).toISOString();
    const { items } = await round(`${deltaPath}?$filter=${encodeURIComponent(`receivedDateTime ge ${since}`)}&$orderby=receivedDateTime%20desc`);
    expect(items.map((item) => item.subject)).toEqual(['Just now']);
  });
});
