import { BatchRequestContent, BatchResponseContent, ResponseType } from '@microsoft/microsoft-graph-client';
import type { BatchRequestStep } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { createFolder, encodePath, evidenceDrive, getSite, graphError, rootOf } from './helpers.js';
import type { DriveItemJson } from './helpers.js';

interface BatchResponseJson {
  responses: { id: string; status: number; headers: Record<string, string>; body?: unknown }[];
}

interface RawStep {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

/**
 * JSON batching: limits, correlation by id, dependsOn/424, throttled steps, binary bodies.
 * https://learn.microsoft.com/graph/json-batching , https://learn.microsoft.com/graph/throttling#throttling-and-batching
 * (facts file §7, trap 12)
 */
describe('JSON batching ($batch)', () => {
  let env: TestEmulator;
  let siteId: string;
  let driveId: string;
  let rootId: string;
  let folder: DriveItemJson;
  let counter = 0;

  /**
   * A step for the SDK's BatchRequestContent. Node's Request needs an absolute URL; the SDK 3.0.7
   * strips only scheme and host, so the URL must not carry /v1.0 (msgraph-sdk-javascript#1451).
   */
  const step = (id: string, path: string, init: RequestInit = {}, dependsOn?: string[]): BatchRequestStep => ({
    id,
    request: new Request(`${env.emulator.url}${path}`, init),
    ...(dependsOn ? { dependsOn } : {}),
  });
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const send = async (steps: BatchRequestStep[]): Promise<BatchResponseContent> =>
    new BatchResponseContent(await env.graph.api('/$batch').post(await new BatchRequestContent(steps).getContent()));
  const sendRaw = (requests: RawStep[]): Promise<BatchResponseJson> => env.graph.api('/$batch').post({ requests }) as Promise<BatchResponseJson>;
  /** The batch's own HTTP answer (a refused batch is a 400 for the whole request). */
  const fetchBatch = async (requests: RawStep[]): Promise<Response> => {
    try {
      return (await env.graph.api('/$batch').responseType(ResponseType.RAW).post({ requests })) as Response;
    } catch (error) {
      return new Response(null, { status: (error as { statusCode?: number }).statusCode ?? 500 });
    }
  };
  const byId = (batch: BatchResponseJson, id: string): BatchResponseJson['responses'][number] => {
    const response = batch.responses.find((candidate) => candidate.id === id);
    if (!response) throw new Error(`No response for step ${id}.`);
    return response;
  };
  const getStep = (id: string): RawStep => ({ id, method: 'GET', url: `/drives/${driveId}/items/${folder.id}` });

  beforeAll(async () => {
    env = await startTestEmulator();
    siteId = (await getSite(env.graph)).id;
    driveId = (await evidenceDrive(env.graph, siteId)).id;
    rootId = (await rootOf(env.graph, driveId)).id;
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    counter += 1;
    folder = await createFolder(env.graph, driveId, rootId, `Batch ${counter}`);
    await env.control.clearFaults();
  });

  describe('the batch request', () => {
    it('runs 20 steps and correlates each response by id through BatchResponseContent', async () => {
      const steps = Array.from({ length: 20 }, (_, index) => step(`s${index}`, `/drives/${driveId}/items/${folder.id}/children`, json({ name: `Child ${index}`, folder: {} })));
      const response = await send(steps);
      for (let index = 0; index < 20; index += 1) {
        const child = response.getResponseById(`s${index}`);
        expect(child.status).toBe(201);
        expect(child.headers.get('content-type')).toMatch(/^application\/json/);
        expect(((await child.json()) as DriveItemJson).name).toBe(`Child ${index}`);
      }
    });

    it('answers 400 for 21 steps, which the SDK also refuses to build', async () => {
      const requests = Array.from({ length: 21 }, (_, index) => getStep(String(index)));
      const error = await graphError(sendRaw(requests));
      expect(error.statusCode).toBe(400);
      expect(() => new BatchRequestContent(Array.from({ length: 21 }, (_, index) => step(String(index), `/sites/${siteId}`)))).toThrow(/Maximum requests limit exceeded/);
    });

    it('answers 400 for duplicate ids, compared case-insensitively', async () => {
      expect((await graphError(sendRaw([getStep('1'), getStep('1')]))).statusCode).toBe(400);
      expect((await graphError(sendRaw([getStep('a'), getStep('A')]))).statusCode).toBe(400);
    });

    it('answers 400 for a step with a body but no Content-Type header', async () => {
      const error = await graphError(sendRaw([{ id: '1', method: 'POST', url: `/drives/${driveId}/items/${folder.id}/children`, body: { name: 'x', folder: {} } }]));
      expect(error.statusCode).toBe(400);
      expect((await env.graph.api(`/drives/${driveId}/items/${folder.id}/children`).get()) as { value: unknown[] }).toEqual(expect.objectContaining({ value: [] }));
    });

    it('answers 400 for a malformed batch body', async () => {
      expect((await graphError(env.graph.api('/$batch').post({ requests: [] }))).statusCode).toBe(400);
      expect((await graphError(env.graph.api('/$batch').post({ notRequests: [getStep('1')] }))).statusCode).toBe(400);
      expect((await graphError(sendRaw([{ id: '1', method: 'GET' } as RawStep]))).statusCode).toBe(400);
    });

    it('accepts relative urls with or without a leading slash', async () => {
      const batch = await sendRaw([getStep('slash'), { id: 'bare', method: 'GET', url: `drives/${driveId}/items/${folder.id}?$select=name` }]);
      expect(byId(batch, 'slash').status).toBe(200);
      expect(byId(batch, 'bare')).toMatchObject({ status: 200, body: { id: folder.id, name: folder.name } });
    });

    it('fails a step whose url keeps the /v1.0 segment, inside a 200 batch (msgraph-sdk-javascript#1178)', async () => {
      const response = (await env.graph.api('/$batch').responseType(ResponseType.RAW).post({ requests: [{ id: '1', method: 'GET', url: `/v1.0/sites/${siteId}` }] })) as Response;
      expect(response.status).toBe(200);
      const batch = (await response.json()) as BatchResponseJson;
      expect(byId(batch, '1')).toMatchObject({ status: 400, body: { error: { message: "Resource not found for the segment 'v1.0'." } } });
    });
  });

  describe('responses', () => {
    it('come back in any order', async () => {
      const ids = Array.from({ length: 20 }, (_, index) => String(index));
      const orders: string[][] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) orders.push((await sendRaw(ids.map(getStep))).responses.map((response) => response.id));
      for (const order of orders) expect([...order].sort((a, b) => Number(a) - Number(b))).toEqual(ids);
      expect(orders.some((order) => order.join() !== ids.join())).toBe(true);
    });

    it('carry mixed statuses inside a 200 batch, each with Graph error bodies', async () => {
      await createFolder(env.graph, driveId, folder.id, 'Taken');
      const response = (await env.graph
        .api('/$batch')
        .responseType(ResponseType.RAW)
        .post({
          requests: [
            { id: 'created', method: 'POST', url: `/drives/${driveId}/items/${folder.id}/children`, headers: { 'Content-Type': 'application/json' }, body: { name: 'New', folder: {} } },
            { id: 'conflict', method: 'POST', url: `/drives/${driveId}/items/${folder.id}/children`, headers: { 'Content-Type': 'application/json' }, body: { name: 'Taken', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' } },
            { id: 'missing', method: 'GET', url: `/drives/${driveId}/items/01NOSUCHITEM` },
            { id: 'invalid', method: 'POST', url: `/drives/${driveId}/items/${folder.id}/children`, headers: { 'Content-Type': 'application/json' }, body: { name: 'a|b', folder: {} } },
            { id: 'deleted', method: 'DELETE', url: `/drives/${driveId}/items/${folder.id}:/Taken` },
          ],
        })) as Response;
      expect(response.status).toBe(200);
      const batch = (await response.json()) as BatchResponseJson;
      expect(byId(batch, 'created').status).toBe(201);
      expect(byId(batch, 'created').headers['Content-Type']).toMatch(/^application\/json;odata\.metadata=minimal/);
      expect(byId(batch, 'conflict')).toMatchObject({ status: 409, body: { error: { code: 'nameAlreadyExists' } } });
      expect(byId(batch, 'missing')).toMatchObject({ status: 404, body: { error: { code: 'itemNotFound' } } });
      expect(byId(batch, 'invalid')).toMatchObject({ status: 400, body: { error: { code: 'invalidRequest' } } });
      expect(byId(batch, 'deleted').status).toBe(204);
      expect(byId(batch, 'deleted').body ?? null).toBeNull();
      const innerError = (byId(batch, 'missing').body as { error: { innerError: Record<string, string> } }).error.innerError;
      expect(innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('dependsOn', () => {
    it('runs a chain in order: create a folder, then upload into it by path', async () => {
      const response = await send([
        step('folder', `/drives/${driveId}/items/${folder.id}/children`, json({ name: 'Chain', folder: {} })),
        step('file', `/drives/${driveId}/root:/${encodePath(folder.name, 'Chain', 'a.txt')}:/content`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'hello' }, ['folder']),
      ]);
      expect(response.getResponseById('folder').status).toBe(201);
      expect(response.getResponseById('file').status).toBe(201);
    });

    it('fails dependents of a failed step with 424 Failed Dependency, down the chain', async () => {
      const batch = await sendRaw([
        { id: '1', method: 'GET', url: `/drives/${driveId}/items/01NOSUCHITEM` },
        { id: '2', method: 'POST', url: `/drives/${driveId}/items/${folder.id}/children`, headers: { 'Content-Type': 'application/json' }, body: { name: 'Never', folder: {} }, dependsOn: ['1'] },
        { id: '3', method: 'GET', url: `/drives/${driveId}/items/${folder.id}`, dependsOn: ['2'] },
      ]);
      expect(byId(batch, '1').status).toBe(404);
      expect(byId(batch, '2').status).toBe(424);
      expect(byId(batch, '3').status).toBe(424);
      const children = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/children`).get()) as { value: DriveItemJson[] };
      expect(children.value).toEqual([]);
    });

    it('refuses a request that depends on more than one other (https://learn.microsoft.com/graph/known-issues#json-batching)', async () => {
      const response = await fetchBatch([
        { id: 'a', method: 'GET', url: `/drives/${driveId}/items/${folder.id}` },
        { id: 'b', method: 'GET', url: `/drives/${driveId}/items/${folder.id}` },
        { id: 'c', method: 'GET', url: `/drives/${driveId}/items/${folder.id}`, dependsOn: ['a', 'b'] },
      ]);
      expect(response.status).toBe(400);
    });

    it('refuses a dependency on a later request, and a mix of chains and shared dependencies', async () => {
      const get = (id: string, dependsOn?: string[]) => ({ id, method: 'GET', url: `/drives/${driveId}/items/${folder.id}`, ...(dependsOn ? { dependsOn } : {}) });
      expect((await fetchBatch([get('a', ['b']), get('b')])).status).toBe(400);
      expect((await fetchBatch([get('a'), get('b', ['a']), get('c', ['b']), get('d', ['a'])])).status).toBe(400);
      // The three documented shapes: parallel, serial, all on the same request.
      expect((await fetchBatch([get('a'), get('b')])).status).toBe(200);
      expect((await fetchBatch([get('a'), get('b', ['a']), get('c', ['b'])])).status).toBe(200);
      expect((await fetchBatch([get('a'), get('b', ['a']), get('c', ['a'])])).status).toBe(200);
    });

    it('runs the requests of a batch with dependencies one after another, each with its latency', async () => {
      await env.control.addFaults({ path: `/v1.0/drives/${driveId}/items/${folder.id}`, latencyMs: 150, times: 4 });
      const get = (id: string, dependsOn?: string[]) => ({ id, method: 'GET', url: `/drives/${driveId}/items/${folder.id}`, ...(dependsOn ? { dependsOn } : {}) });
      const started = Date.now();
      const response = await fetchBatch([get('a'), get('b', ['a']), get('c', ['a']), get('d', ['a'])]);
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 150);
      await env.control.clearFaults();
    });
  });

  describe('throttled steps', () => {
    it('returns a 429 step with its own Retry-After inside a 200 batch, and the SDK does not retry it', async () => {
      await env.control.addFaults({ method: 'GET', path: `/v1.0/drives/${driveId}/items/${folder.id}`, status: 429, retryAfterSeconds: 7 });
      const other = await createFolder(env.graph, driveId, folder.id, 'Other');
      const steps = [step('throttled', `/drives/${driveId}/items/${folder.id}`), step('fine', `/drives/${driveId}/items/${other.id}`)];
      const batchResponse = (await env.graph.api('/$batch').responseType(ResponseType.RAW).post(await new BatchRequestContent(steps).getContent())) as Response;
      expect(batchResponse.status).toBe(200);
      const response = new BatchResponseContent((await batchResponse.json()) as BatchResponseJson);
      const throttled = response.getResponseById('throttled');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('Retry-After')).toBe('7');
      expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
      expect(response.getResponseById('fine').status).toBe(200);
      const log = await env.control.requests();
      const batches = log.value.filter((entry) => entry.path === '/v1.0/$batch' && entry.batch?.some((child) => child.id === 'throttled'));
      expect(batches).toHaveLength(1);
    });
  });

  describe('binary bodies', () => {
    it('uploads a base64 body in a PUT content step, byte for byte', async () => {
      const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0x0a, 0x25, 0x50, 0x44, 0x46]);
      const batch = await sendRaw([
        { id: 'upload', method: 'PUT', url: `/drives/${driveId}/items/${folder.id}:/scan.pdf:/content`, headers: { 'Content-Type': 'application/pdf' }, body: bytes.toString('base64') },
      ]);
      const uploaded = byId(batch, 'upload');
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toMatchObject({ name: 'scan.pdf', size: bytes.length, file: { mimeType: 'application/pdf' } });
      const content = (await env.graph.api(`/drives/${driveId}/items/${folder.id}:/scan.pdf:/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
      expect(Buffer.from(content).equals(bytes)).toBe(true);
    });
  });

  describe('the request log', () => {
    it('lists the steps of a batch with id, method, url and status', async () => {
      await sendRaw([getStep('ok'), { id: 'missing', method: 'GET', url: `/drives/${driveId}/items/01NOSUCHITEM` }]);
      const log = await env.control.requests();
      const entry = log.value.filter((candidate) => candidate.path === '/v1.0/$batch').at(-1);
      expect(entry).toMatchObject({ method: 'POST', status: 200 });
      expect([...(entry?.batch ?? [])].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: 'missing', method: 'GET', url: `/drives/${driveId}/items/01NOSUCHITEM`, status: 404 },
        { id: 'ok', method: 'GET', url: `/drives/${driveId}/items/${folder.id}`, status: 200 },
      ]);
    });
  });
});
