import { ClientCertificateCredential } from '@azure/identity';
import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureDevCertificates } from '../../emulator/tls.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { inbox, sitePath, siteHostname, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { createFolder, evidenceDrive, getSite, graphError, rootOf, upload } from './helpers.js';
import type { DriveItemJson } from './helpers.js';

/**
 * The emulator's generic fault injection (`/_emulator/faults`) and reset. Not a Graph feature:
 * these are the knobs the other tests use to reproduce throttling, outages and lost responses.
 */
describe('emulator fault injection', () => {
  let env: TestEmulator;
  let siteId: string;
  let driveId: string;
  let rootId: string;
  let folder: DriveItemJson;
  let counter = 0;

  /** A Graph client that gives up after `timeoutMs`, to observe requests that never get an answer. */
  const impatientClient = async (timeoutMs: number): Promise<Client> => {
    const certificates = await ensureDevCertificates();
    const app = env.tenant.applications[0];
    if (!app) throw new Error('no app');
    const credential = new ClientCertificateCredential(env.tenant.tenantId, app.clientId, { certificatePath: certificates.appCredentialPath }, { authorityHost: env.emulator.url, disableInstanceDiscovery: true });
    return createGraphClient({ credential, baseUrl: env.emulator.url, timeoutMs, mailbox: inbox, mailboxConcurrency: 4, maxRetries: 0 });
  };
  const folderPath = (): string => `/v1.0/drives/${driveId}/items/${folder.id}`;
  const getFolder = (): Promise<unknown> => env.graph.api(`/drives/${driveId}/items/${folder.id}`).get();
  /** Runs `count` GETs of the test folder and returns each status. */
  const statuses = async (count: number): Promise<number[]> => {
    const result: number[] = [];
    for (let index = 0; index < count; index += 1) {
      try {
        await getFolder();
        result.push(200);
      } catch (error) {
        result.push((error as { statusCode: number }).statusCode);
      }
    }
    return result;
  };

  beforeAll(async () => {
    // No SDK retries: each call shows exactly what the emulator answered.
    env = await startTestEmulator({ maxRetries: 0 });
    siteId = (await getSite(env.graph)).id;
    driveId = (await evidenceDrive(env.graph, siteId)).id;
    rootId = (await rootOf(env.graph, driveId)).id;
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    await env.control.clearFaults();
    counter += 1;
    folder = await createFolder(env.graph, driveId, rootId, `Faults ${counter}`);
  });

  describe('matching', () => {
    it('matches a glob where * stays within one path segment', async () => {
      await env.control.addFaults({ path: '/v1.0/drives/*/items/*', status: 500 });
      const error = await graphError(getFolder());
      expect(error.statusCode).toBe(500);
      expect(error.code).toBe('generalException');
      const children = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/children`).get()) as { value: unknown[] };
      expect(children.value).toEqual([]);
    });

    it('matches a glob where ** crosses segments', async () => {
      await env.control.addFaults({ path: '/v1.0/drives/**/children', status: 503, code: 'serviceNotAvailable' });
      const error = await graphError(env.graph.api(`/drives/${driveId}/items/${folder.id}/children`).get());
      expect(error.statusCode).toBe(503);
      expect(error.code).toBe('serviceNotAvailable');
      await expect(getFolder()).resolves.toMatchObject({ id: folder.id });
    });

    it('matches a regular expression when the path starts with ^', async () => {
      await env.control.addFaults({ path: '^/v1\\.0/drives/[^/]+/items/[^/]+/children$', status: 500 });
      expect((await graphError(env.graph.api(`/drives/${driveId}/items/${folder.id}/children`).get())).statusCode).toBe(500);
      await expect(env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions`).get()).resolves.toMatchObject({ value: expect.any(Array) });
      await expect(getFolder()).resolves.toMatchObject({ id: folder.id });
    });

    it('matches only the given method', async () => {
      await env.control.addFaults({ method: 'post', path: '/v1.0/drives/**', status: 500 });
      await expect(getFolder()).resolves.toMatchObject({ id: folder.id });
      expect((await graphError(createFolder(env.graph, driveId, folder.id, 'x'))).statusCode).toBe(500);
    });

    it('applies to URLs outside Graph too, such as download URLs', async () => {
      const file = await upload(env.graph, driveId, folder.id, 'a.txt', 'a');
      await env.control.addFaults({ path: '/_download/**', status: 503, retryAfterSeconds: 2 });
      const response = await fetch(file['@microsoft.graph.downloadUrl'] as string);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
    });

    it('sends Retry-After with a 429, one second by default', async () => {
      await env.control.addFaults({ path: folderPath(), status: 429 });
      const error = await graphError(getFolder());
      expect(error.statusCode).toBe(429);
      expect(error.code).toBe('TooManyRequests');
      expect(error.headers?.get('retry-after')).toBe('1');
    });

    it('answers a 429 with the body of Microsoft throttling sample (https://learn.microsoft.com/graph/throttling#sample-response)', async () => {
      await env.control.addFaults({ path: folderPath(), status: 429 });
      const error = await graphError(getFolder());
      const body = JSON.parse(String(error.body)) as Record<string, unknown>;
      expect(body).toEqual({
        code: 'TooManyRequests',
        message: 'Please retry again later.',
        innerError: { code: '429', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/), message: 'Please retry after', 'request-id': expect.stringMatching(/^[0-9a-f-]{36}$/), status: '429' },
      });
    });

    it('rejects a rule that has nothing to inject: 400', async () => {
      await expect(env.control.addFaults({ path: '/v1.0/**' })).rejects.toThrow(/400/);
    });
  });

  describe('how often', () => {
    it('fails only `times` times, then lets requests through', async () => {
      await env.control.addFaults({ path: folderPath(), status: 500, times: 2 });
      expect(await statuses(4)).toEqual([500, 500, 200, 200]);
      // A spent rule stays listed with its hits until cleared, so tests can see that it fired.
      expect((await env.control.call<{ value: unknown[] }>('GET', '/_emulator/faults')).value).toEqual([expect.objectContaining({ hits: 2, remaining: 0 })]);
    });

    it('lets the SDK retry through transient faults when retries are on', async () => {
      await env.control.addFaults({ path: folderPath(), status: 503, retryAfterSeconds: 0, times: 2 });
      const read = (await env.graph.api(`/drives/${driveId}/items/${folder.id}`).middlewareOptions([new RetryHandlerOptions(0, 3)]).get()) as DriveItemJson;
      expect(read.id).toBe(folder.id);
      const log = await env.control.requests();
      expect(log.value.filter((entry) => entry.path === folderPath()).map((entry) => entry.status)).toEqual([503, 503, 200]);
    });

    it('repeats the same pattern for the same probability and seed', async () => {
      const rule = { path: folderPath(), status: 500, probability: 0.5, seed: 42 };
      await env.control.addFaults(rule);
      const first = await statuses(20);
      await env.control.clearFaults();
      await env.control.addFaults(rule);
      const second = await statuses(20);
      expect(second).toEqual(first);
      expect(first).toContain(500);
      expect(first).toContain(200);
      await env.control.clearFaults();
      await env.control.addFaults({ ...rule, seed: 7 });
      expect(await statuses(20)).not.toEqual(first);
    });

    it('reports the rules with their hits and remaining count', async () => {
      await env.control.addFaults({ path: folderPath(), status: 500, times: 3 });
      await statuses(1);
      const rules = await env.control.call<{ value: { remaining: number; hits: number; rule: { path: string } }[] }>('GET', '/_emulator/faults');
      expect(rules.value).toEqual([expect.objectContaining({ remaining: 2, hits: 1, rule: expect.objectContaining({ path: folderPath() }) })]);
    });
  });

  describe('what happens', () => {
    it('adds latencyMs before answering normally', async () => {
      await env.control.addFaults({ path: folderPath(), latencyMs: 400 });
      const started = performance.now();
      await getFolder();
      expect(performance.now() - started).toBeGreaterThanOrEqual(390);
      const quick = performance.now();
      await env.graph.api(`/drives/${driveId}/root`).get();
      expect(performance.now() - quick).toBeLessThan(390);
    });

    it('hangs: the client times out while the emulator holds the request', async () => {
      const client = await impatientClient(300);
      await client.api(`/drives/${driveId}/root`).get();
      await env.control.addFaults({ path: folderPath(), hang: true, hangMs: 1500, times: 1 });
      const started = performance.now();
      const error = await client.api(`/drives/${driveId}/items/${folder.id}`).get().then(
        () => undefined,
        (caught: unknown) => caught as { name?: string; code?: string; message?: string },
      );
      const elapsed = performance.now() - started;
      expect(error).toBeDefined();
      expect(`${error?.name} ${error?.code} ${error?.message}`).toMatch(/timeout|abort/i);
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(1400);
    });

    it('hangs then drops the connection after hangMs, with no HTTP response at all', async () => {
      const client = await impatientClient(5000);
      await env.control.addFaults({ path: folderPath(), hang: true, hangMs: 200, times: 1 });
      const started = performance.now();
      const error = await client.api(`/drives/${driveId}/items/${folder.id}`).get().then(
        () => undefined,
        (caught: unknown) => caught as { statusCode?: number; message?: string },
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(error).toBeDefined();
      expect(error?.statusCode ?? -1).toBeLessThan(100);
      expect(error?.message).toMatch(/fetch failed|socket|closed|terminated/i);
      await expect(client.api(`/drives/${driveId}/items/${folder.id}`).get()).resolves.toMatchObject({ id: folder.id });
    });

    it('with afterApply carries the request out and then fails it, so a retry meets its own work', async () => {
      await env.control.addFaults({ method: 'POST', path: `${folderPath()}/children`, status: 503, retryAfterSeconds: 0, afterApply: true, times: 1 });
      const error = await graphError(createFolder(env.graph, driveId, folder.id, 'Acme Ltd'));
      expect(error.statusCode).toBe(503);
      const created = (await env.graph.api(`/drives/${driveId}/items/${folder.id}:/Acme Ltd`).get()) as DriveItemJson;
      expect(created.folder).toEqual({ childCount: 0 });

      await env.control.addFaults({ method: 'POST', path: `${folderPath()}/children`, status: 503, retryAfterSeconds: 0, afterApply: true, times: 1 });
      const retried = await graphError(
        env.graph
          .api(`/drives/${driveId}/items/${folder.id}/children`)
          .middlewareOptions([new RetryHandlerOptions(0, 1)])
          .post({ name: 'Other Ltd', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' }),
      );
      expect(retried.statusCode).toBe(409);
      expect(retried.code).toBe('nameAlreadyExists');
    });

    it('without afterApply fails before doing anything', async () => {
      await env.control.addFaults({ method: 'POST', path: `${folderPath()}/children`, status: 503, times: 1 });
      expect((await graphError(createFolder(env.graph, driveId, folder.id, 'Acme Ltd'))).statusCode).toBe(503);
      const children = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/children`).get()) as { value: unknown[] };
      expect(children.value).toEqual([]);
    });
  });

  describe('clearing and resetting', () => {
    it('DELETE /_emulator/faults removes every rule', async () => {
      await env.control.addFaults([{ path: folderPath(), status: 500 }, { path: '/v1.0/sites/**', status: 500 }]);
      expect((await graphError(getFolder())).statusCode).toBe(500);
      await env.control.clearFaults();
      await expect(getFolder()).resolves.toMatchObject({ id: folder.id });
      await expect(env.graph.api(`/sites/${siteId}`).get()).resolves.toMatchObject({ id: siteId });
    });

    it('POST /_emulator/reset restores the seeded tenant with the same ids, and clears faults and the request log', async () => {
      const applications = (await env.graph.api(`/sites/${siteId}/lists/Applications`).get()) as { id: string };
      await env.graph.api(`/sites/${siteId}/lists/Applications/items`).post({ fields: { Title: 'Acme' } });
      await env.graph.api(`/sites/${siteId}/lists`).post({ displayName: 'Scratch', list: { template: 'genericList' } });
      await env.control.addFaults({ path: '/v1.0/nothing/**', status: 500 });
      await env.control.call('POST', '/_emulator/reset');

      expect((await env.control.call<{ value: unknown[] }>('GET', '/_emulator/faults')).value).toEqual([]);
      expect((await env.control.requests()).value).toEqual([]);
      const site = (await env.graph.api(`/sites/${siteHostname}:${sitePath}`).get()) as { id: string };
      expect(site.id).toBe(siteId);
      expect((await evidenceDrive(env.graph, siteId)).id).toBe(driveId);
      expect((await rootOf(env.graph, driveId)).id).toBe(rootId);
      const rootChildren = (await env.graph.api(`/drives/${driveId}/root/children`).get()) as { value: unknown[] };
      expect(rootChildren.value).toEqual([]);
      expect((await graphError(getFolder())).statusCode).toBe(404);
      const seededList = (await env.graph.api(`/sites/${siteId}/lists/Applications`).get()) as { id: string };
      expect(seededList.id).toBe(applications.id);
      const items = (await env.graph.api(`/sites/${siteId}/lists/Applications/items`).get()) as { value: unknown[] };
      expect(items.value).toEqual([]);
      expect((await graphError(env.graph.api(`/sites/${siteId}/lists/Scratch`).get())).statusCode).toBe(404);
    });
  });
});
