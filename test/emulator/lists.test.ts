import { BatchRequestContent, BatchResponseContent, PageIterator, ResponseType } from '@microsoft/microsoft-graph-client';
import type { BatchRequestStep } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { getSite, graphError } from './helpers.js';

interface ListJson {
  id: string;
  name: string;
  displayName: string;
  list: { template: string };
}

interface ColumnJson {
  id: string;
  name: string;
  indexed: boolean;
  enforceUniqueValues: boolean;
  required: boolean;
  text?: Record<string, unknown>;
  choice?: { choices: string[] };
  dateTime?: Record<string, unknown>;
  number?: Record<string, unknown>;
  boolean?: Record<string, unknown>;
}

interface ListItemJson {
  id: string;
  eTag: string;
  '@odata.etag': string;
  webUrl: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  createdBy: { application?: { id: string } };
  fields?: Record<string, unknown>;
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const honorNonIndexed = 'HonorNonIndexedQueriesWarningMayFailRandomly';

/**
 * SharePoint lists: columns, items, filtering and the view threshold, optimistic concurrency, delta.
 * https://learn.microsoft.com/graph/api/list-create , .../list-post-columns , .../listitem-create ,
 * .../listitem-list , .../listitem-update , .../listitem-delete , .../listitem-delta ,
 * .../resources/columndefinition (facts file §6, trap 15)
 */
describe('SharePoint lists', () => {
  let env: TestEmulator;
  let siteId: string;
  /** A list created through Graph with the columns the service uses. */
  let applications: ListJson;
  let counter = 0;

  const listApi = (list: ListJson, rest = ''): string => `/sites/${siteId}/lists/${list.id}${rest}`;
  const createItem = (list: ListJson, fields: Record<string, unknown>): Promise<ListItemJson> => env.graph.api(listApi(list, '/items')).post({ fields }) as Promise<ListItemJson>;
  const orgKey = (): string => `ORG-${(counter += 1)}`;

  const serviceColumns = [
    { name: 'OrgKey', displayName: 'Org key', indexed: true, enforceUniqueValues: true, text: { allowMultipleLines: false, maxLength: 255 } },
    { name: 'Status', displayName: 'Status', indexed: true, required: true, choice: { allowTextEntry: false, choices: ['New', 'Offered', 'Declined'], displayAs: 'dropDownMenu' } },
    { name: 'ReceivedOn', displayName: 'Received on', indexed: true, dateTime: { displayAs: 'default', format: 'dateTime' } },
    { name: 'Places', displayName: 'Places', number: { decimalPlaces: 'none', displayAs: 'number', minimum: 0, maximum: 50 } },
    { name: 'Notes', displayName: 'Notes', text: { allowMultipleLines: true } },
    { name: 'Active', displayName: 'Active', boolean: {} },
  ];

  beforeAll(async () => {
    // The lists here are made with their columns in the create request: the list-create page's
    // reading. The default drops them (listCreateDropsColumns); test/integration/setup-lists.test.ts covers both.
    env = await startTestEmulator({ tenant: (seed) => ({ ...seed, behaviour: { ...seed.behaviour, listCreateDropsColumns: false } }) });
    siteId = (await getSite(env.graph)).id;
    applications = (await env.graph.api(`/sites/${siteId}/lists`).post({ displayName: 'Service applications', columns: serviceColumns, list: { template: 'genericList' } })) as ListJson;
  });
  afterAll(async () => env.stop());

  describe('creating lists and columns', () => {
    it('creates a list with columns and a template: 201', async () => {
      const response = (await env.graph
        .api(`/sites/${siteId}/lists`)
        .responseType(ResponseType.RAW)
        .post({ displayName: 'Reviews', columns: [{ name: 'Reviewer', text: {} }], list: { template: 'genericList' } })) as Response;
      expect(response.status).toBe(201);
      const list = (await response.json()) as ListJson;
      expect(list).toMatchObject({ displayName: 'Reviews', list: { template: 'genericList' } });
      const columns = (await env.graph.api(`/sites/${siteId}/lists/${list.id}/columns`).get()) as Page<ColumnJson>;
      expect(columns.value.map((column) => column.name)).toEqual(['Title', 'Reviewer']);
    });

    it('answers 409 for a list title that already exists', async () => {
      const error = await graphError(env.graph.api(`/sites/${siteId}/lists`).post({ displayName: 'applications', list: { template: 'genericList' } }));
      expect(error.statusCode).toBe(409);
    });

    it('adds text, choice, dateTime, number and boolean columns to the seeded list: 201 each', async () => {
      const seeded = (await env.graph.api(`/sites/${siteId}/lists/Applications`).get()) as ListJson;
      for (const column of serviceColumns) {
        const response = (await env.graph.api(listApi(seeded, '/columns')).responseType(ResponseType.RAW).post(column)) as Response;
        expect(response.status).toBe(201);
        const created = (await response.json()) as ColumnJson;
        expect(created).toMatchObject({ name: column.name, indexed: column.indexed ?? false, enforceUniqueValues: column.enforceUniqueValues ?? false, required: column.required ?? false });
      }
      const columns = (await env.graph.api(listApi(seeded, '/columns')).get()) as Page<ColumnJson>;
      expect(columns.value.map((column) => column.name)).toEqual(['Title', ...serviceColumns.map((column) => column.name)]);
      const status = columns.value.find((column) => column.name === 'Status');
      expect(status?.choice?.choices).toEqual(['New', 'Offered', 'Declined']);
      expect(columns.value.find((column) => column.name === 'ReceivedOn')?.dateTime).toEqual({ displayAs: 'default', format: 'dateTime' });
    });

    it('answers 409 for a duplicate column name, whatever its case', async () => {
      const error = await graphError(env.graph.api(listApi(applications, '/columns')).post({ name: 'status', text: {} }));
      expect(error.statusCode).toBe(409);
    });

    it('answers 400 for enforceUniqueValues on a column that is not indexed', async () => {
      const error = await graphError(env.graph.api(listApi(applications, '/columns')).post({ name: 'Email', enforceUniqueValues: true, text: {} }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('invalidRequest');
    });

    it('answers 400 for a column with two type facets or none', async () => {
      expect((await graphError(env.graph.api(listApi(applications, '/columns')).post({ name: 'Mixed', text: {}, number: {} }))).statusCode).toBe(400);
      expect((await graphError(env.graph.api(listApi(applications, '/columns')).post({ name: 'Bare' }))).statusCode).toBe(400);
    });
  });

  describe('items', () => {
    it('creates an item: 201, id is a string integer, fields hold the normalised values', async () => {
      const response = (await env.graph
        .api(listApi(applications, '/items'))
        .responseType(ResponseType.RAW)
        .post({ fields: { Title: 'Acme Ltd', OrgKey: 'ACME', Status: 'New', ReceivedOn: '2025-01-31T09:00:00.000Z', Places: 2, Active: true } })) as Response;
      expect(response.status).toBe(201);
      const item = (await response.json()) as ListItemJson;
      expect(item.id).toMatch(/^[1-9]\d*$/);
      expect(item.eTag).toMatch(/^".+,1"$/);
      expect(item.createdBy.application?.id).toBe(env.tenant.applications[0]?.clientId);
      expect(item.fields).toMatchObject({ Title: 'Acme Ltd', OrgKey: 'ACME', Status: 'New', ReceivedOn: '2025-01-31T09:00:00Z', Places: 2, Active: true });
      const next = await createItem(applications, { Title: 'Next', OrgKey: orgKey(), Status: 'New' });
      expect(Number(next.id)).toBe(Number(item.id) + 1);
    });

    it('answers 400 for a field the list does not have', async () => {
      const error = await graphError(createItem(applications, { Title: 'x', Status: 'New', Colour: 'red' }));
      expect(error.statusCode).toBe(400);
      expect(error.message).toContain('Colour');
    });

    it('answers 400 for a value that is not one of the choices', async () => {
      const error = await graphError(createItem(applications, { Title: 'x', Status: 'Maybe' }));
      expect(error.statusCode).toBe(400);
    });

    it('answers 400 for values of the wrong type', async () => {
      for (const fields of [{ Places: 'many' }, { Active: 'yes' }, { ReceivedOn: 'yesterday' }, { OrgKey: 'x'.repeat(256) }]) {
        const error = await graphError(createItem(applications, { Title: 'x', Status: 'New', ...fields }));
        expect({ fields, status: error.statusCode }).toEqual({ fields, status: 400 });
      }
    });

    it('answers 400 when a required field is missing', async () => {
      const error = await graphError(createItem(applications, { Title: 'No status' }));
      expect(error.statusCode).toBe(400);
      expect(error.message).toContain('Status');
    });

    it('refuses a unique column value already taken, on create and on update, with 500 by default (listUniqueValueClashStatus)', async () => {
      const key = orgKey();
      const first = await createItem(applications, { Title: 'First', OrgKey: key, Status: 'New' });
      const error = await graphError(createItem(applications, { Title: 'Second', OrgKey: key.toLowerCase(), Status: 'New' }));
      expect(error.statusCode).toBe(500);
      expect(error.code).toBe('generalException');
      expect(error.message).toMatch(/duplicate values were found/);
      const other = await createItem(applications, { Title: 'Other', OrgKey: orgKey(), Status: 'New' });
      const update = await graphError(env.graph.api(listApi(applications, `/items/${other.id}/fields`)).patch({ OrgKey: key }));
      expect(update.statusCode).toBe(500);
      const same = (await env.graph.api(listApi(applications, `/items/${first.id}/fields`)).patch({ OrgKey: key, Title: 'First again' })) as Record<string, unknown>;
      expect(same.Title).toBe('First again');
    });

    it('returns fields only with $expand=fields, and only the selected ones with $expand=fields($select=...)', async () => {
      const created = await createItem(applications, { Title: 'Expand me', OrgKey: orgKey(), Status: 'Offered', Places: 3 });
      const filter = `fields/OrgKey eq '${String(created.fields?.OrgKey)}'`;
      const bare = (await env.graph.api(listApi(applications, '/items')).filter(filter).get()) as Page<ListItemJson>;
      expect(bare.value).toHaveLength(1);
      expect(bare.value[0]?.fields).toBeUndefined();
      const expanded = (await env.graph.api(listApi(applications, '/items')).filter(filter).expand('fields').get()) as Page<ListItemJson>;
      expect(expanded.value[0]?.fields).toMatchObject({ Title: 'Expand me', Status: 'Offered', Places: 3 });
      const selected = (await env.graph.api(listApi(applications, '/items')).filter(filter).expand('fields($select=Title,Status)').get()) as Page<ListItemJson>;
      const fields = selected.value[0]?.fields ?? {};
      expect(fields).toMatchObject({ Title: 'Expand me', Status: 'Offered' });
      expect(fields.Places).toBeUndefined();
      const legacy = (await env.graph.api(`${listApi(applications, '/items')}?expand=fields(select=Title)&$filter=${encodeURIComponent(filter)}`).get()) as Page<ListItemJson>;
      expect(Object.keys(legacy.value[0]?.fields ?? {})).toContain('Title');
      expect(legacy.value[0]?.fields?.Status).toBeUndefined();
    });

    it('returns one item by id with its fields', async () => {
      const created = await createItem(applications, { Title: 'One', OrgKey: orgKey(), Status: 'New' });
      const read = (await env.graph.api(listApi(applications, `/items/${created.id}`)).expand('fields').get()) as ListItemJson;
      expect(read).toMatchObject({ id: created.id, fields: { Title: 'One' } });
      const missing = await graphError(env.graph.api(listApi(applications, '/items/999999')).get());
      expect(missing.statusCode).toBe(404);
      expect(missing.code).toBe('itemNotFound');
    });

    it('deletes an item: 204, then 404, and its id is not reused', async () => {
      const created = await createItem(applications, { Title: 'Doomed', OrgKey: orgKey(), Status: 'New' });
      const response = (await env.graph.api(listApi(applications, `/items/${created.id}`)).responseType(ResponseType.RAW).delete()) as Response;
      expect(response.status).toBe(204);
      expect((await graphError(env.graph.api(listApi(applications, `/items/${created.id}`)).get())).statusCode).toBe(404);
      const next = await createItem(applications, { Title: 'After', OrgKey: orgKey(), Status: 'New' });
      expect(Number(next.id)).toBeGreaterThan(Number(created.id));
    });
  });

  describe('updating fields with If-Match', () => {
    const patch = (id: string, fields: Record<string, unknown>, ifMatch?: string): Promise<Record<string, unknown>> => {
      const request = env.graph.api(listApi(applications, `/items/${id}/fields`));
      if (ifMatch !== undefined) request.header('If-Match', ifMatch);
      return request.patch(fields) as Promise<Record<string, unknown>>;
    };

    it('answers 200 with the fieldValueSet and a new eTag when If-Match matches', async () => {
      const created = await createItem(applications, { Title: 'Acme', OrgKey: orgKey(), Status: 'New' });
      const updated = await patch(created.id, { Status: 'Offered' }, created.eTag);
      expect(updated).toMatchObject({ Title: 'Acme', Status: 'Offered' });
      expect(updated['@odata.etag']).not.toBe(created.eTag);
      const read = (await env.graph.api(listApi(applications, `/items/${created.id}`)).get()) as ListItemJson;
      expect(read.eTag).toBe(updated['@odata.etag']);
    });

    it('answers 412 for a stale eTag and leaves the item unchanged', async () => {
      const created = await createItem(applications, { Title: 'Acme', OrgKey: orgKey(), Status: 'New' });
      await patch(created.id, { Status: 'Offered' });
      const error = await graphError(patch(created.id, { Status: 'Declined' }, created.eTag));
      expect(error.statusCode).toBe(412);
      const read = (await env.graph.api(listApi(applications, `/items/${created.id}`)).expand('fields').get()) as ListItemJson;
      expect(read.fields?.Status).toBe('Offered');
    });

    it('answers 200 for If-Match: * and without If-Match', async () => {
      const created = await createItem(applications, { Title: 'Acme', OrgKey: orgKey(), Status: 'New' });
      expect((await patch(created.id, { Status: 'Offered' }, '*')).Status).toBe('Offered');
      expect((await patch(created.id, { Status: 'Declined' })).Status).toBe('Declined');
    });

    it('answers 400 for an invalid value on update', async () => {
      const created = await createItem(applications, { Title: 'Acme', OrgKey: orgKey(), Status: 'New' });
      expect((await graphError(patch(created.id, { Status: 'Nope' }))).statusCode).toBe(400);
      expect((await graphError(patch(created.id, { Unknown: 1 }))).statusCode).toBe(400);
    });
  });

  describe('filtering, indexing and paging', () => {
    let big: ListJson;

    /** Creates items through $batch, 20 POST steps at a time, four batches in flight. */
    const createThroughBatches = async (list: ListJson, count: number, fieldsFor: (index: number) => Record<string, unknown>): Promise<void> => {
      const batches: BatchRequestStep[][] = [];
      for (let start = 0; start < count; start += 20) {
        const steps: BatchRequestStep[] = [];
        for (let index = start; index < Math.min(count, start + 20); index += 1) {
          steps.push({
            id: String(index),
            request: new Request(`${env.emulator.url}${listApi(list, '/items')}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields: fieldsFor(index) }) }),
          });
        }
        batches.push(steps);
      }
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < batches.length) {
          const steps = batches[next] as BatchRequestStep[];
          next += 1;
          const content = await new BatchRequestContent(steps).getContent();
          const response = new BatchResponseContent(await env.graph.api('/$batch').post(content));
          for (const [id, step] of response.getResponses()) if (step.status !== 201) throw new Error(`step ${id} answered ${step.status}`);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    };

    beforeAll(async () => {
      big = (await env.graph.api(`/sites/${siteId}/lists`).post({
        displayName: 'Big list',
        list: { template: 'genericList' },
        columns: [
          { name: 'Bucket', indexed: true, text: {} },
          { name: 'Colour', text: {} },
        ],
      })) as ListJson;
      await createThroughBatches(big, 50, (index) => ({ Title: `Item ${index}`, Bucket: `B${index % 5}`, Colour: index % 2 === 0 ? 'red' : 'blue' }));
    });

    it('filters on an indexed column', async () => {
      const page = (await env.graph.api(listApi(big, '/items')).filter("fields/Bucket eq 'B3'").expand('fields').top(100).get()) as Page<ListItemJson>;
      expect(page.value).toHaveLength(10);
      expect(page.value.every((item) => item.fields?.Bucket === 'B3')).toBe(true);
    });

    it('answers 400 for a filter on a non-indexed column, naming the Prefer header', async () => {
      const error = await graphError(env.graph.api(listApi(big, '/items')).filter("fields/Colour eq 'red'").get());
      expect(error.statusCode).toBe(400);
      expect(error.message).toBe(
        "Field 'Colour' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to allow this, but be warned that such queries may fail on large lists.",
      );
      const ordered = await graphError(env.graph.api(listApi(big, '/items')).orderby('fields/Colour').get());
      expect(ordered.statusCode).toBe(400);
    });

    it('runs the non-indexed filter with Prefer: HonorNonIndexedQueriesWarningMayFailRandomly', async () => {
      const page = (await env.graph.api(listApi(big, '/items')).header('Prefer', honorNonIndexed).filter("fields/Colour eq 'red' and fields/Bucket eq 'B0'").expand('fields').get()) as Page<ListItemJson>;
      // Batch steps run in any order, so item ids do not follow the titles: compare as sets.
      expect(page.value.map((item) => String(item.fields?.Title)).sort()).toEqual(['Item 0', 'Item 10', 'Item 20', 'Item 30', 'Item 40']);
    });

    it('orders by a number column numerically, and by text case-insensitively', async () => {
      const sorted = await env.graph.api(`/sites/${siteId}/lists`).post({ displayName: 'Sorted', list: { template: 'genericList' }, columns: [{ name: 'Rank', indexed: true, number: {} }, { name: 'Label', indexed: true, text: {} }] }) as ListJson;
      for (const [rank, label] of [[9, 'banana'], [10, 'Apple'], [2, 'cherry']] as const) await createItem(sorted, { Title: String(rank), Rank: rank, Label: label });
      const byRank = (await env.graph.api(listApi(sorted, '/items')).orderby('fields/Rank desc').expand('fields').get()) as Page<ListItemJson>;
      expect(byRank.value.map((item) => item.fields?.Rank)).toEqual([10, 9, 2]);
      const byLabel = (await env.graph.api(listApi(sorted, '/items')).orderby('fields/Label').expand('fields').get()) as Page<ListItemJson>;
      expect(byLabel.value.map((item) => item.fields?.Label)).toEqual(['Apple', 'banana', 'cherry']);
    });

    it('pages items with $top and an absolute nextLink, keeping the filter and expand', async () => {
      const first = (await env.graph.api(listApi(big, '/items')).filter("fields/Bucket eq 'B1'").expand('fields').top(3).get()) as Page<ListItemJson>;
      expect(first.value).toHaveLength(3);
      expect(first['@odata.nextLink']).toMatch(/^https:\/\/.+\$skiptoken=/);
      const ids: number[] = [];
      const titles: string[] = [];
      await new PageIterator(env.graph, first, (item) => {
        ids.push(Number((item as ListItemJson).id));
        titles.push(String((item as ListItemJson).fields?.Title));
        return true;
      }).iterate();
      expect(titles.sort()).toEqual(['Item 1', 'Item 11', 'Item 16', 'Item 21', 'Item 26', 'Item 31', 'Item 36', 'Item 41', 'Item 46', 'Item 6']);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('fails a non-indexed filter above the 5,000-item view threshold, even with the Prefer header, while indexed filters still work', async () => {
      const started = Date.now();
      await createThroughBatches(big, 5001 - 50, (index) => ({ Title: `Bulk ${index}`, Bucket: `bulk-${index % 50}`, Colour: 'green' }));
      expect(Date.now() - started).toBeLessThan(15_000);
      const count = (await env.graph.api(listApi(big, '/items')).top(5000).get()) as Page<ListItemJson>;
      expect(count.value).toHaveLength(5000);
      expect(count['@odata.nextLink']).toBeDefined();
      const error = await graphError(env.graph.api(listApi(big, '/items')).header('Prefer', honorNonIndexed).filter("fields/Colour eq 'red'").get());
      expect(error.statusCode).toBeOneOf([500, 429, 503]);
      expect(error.message).toContain('list view threshold');
      const indexed = (await env.graph.api(listApi(big, '/items')).filter("fields/Bucket eq 'B4'").get()) as Page<ListItemJson>;
      expect(indexed.value).toHaveLength(10);
    }, 30_000);
  });

  describe('delta', () => {
    let tracked: ListJson;

    beforeAll(async () => {
      tracked = (await env.graph.api(`/sites/${siteId}/lists`).post({ displayName: 'Tracked', list: { template: 'genericList' }, columns: [{ name: 'Status', choice: { choices: ['New', 'Done'] } }] })) as ListJson;
    });

    it('returns every item in the first round, then only changes, with deleted items marked', async () => {
      const a = await createItem(tracked, { Title: 'A', Status: 'New' });
      const b = await createItem(tracked, { Title: 'B', Status: 'New' });
      const initial = (await env.graph.api(listApi(tracked, '/items/delta')).get()) as Page<ListItemJson>;
      expect(initial.value.map((item) => item.id)).toEqual([a.id, b.id]);
      expect(initial.value[0]?.fields).toMatchObject({ Title: 'A' });
      expect(initial['@odata.nextLink']).toBeUndefined();
      const deltaLink = initial['@odata.deltaLink'] as string;
      expect(deltaLink).toMatch(/^https:\/\/.+\/items\/delta\?token=/);

      const quiet = (await env.graph.api(deltaLink).get()) as Page<ListItemJson>;
      expect(quiet.value).toEqual([]);

      const c = await createItem(tracked, { Title: 'C', Status: 'New' });
      await env.graph.api(listApi(tracked, `/items/${a.id}/fields`)).patch({ Status: 'Done' });
      await env.graph.api(listApi(tracked, `/items/${b.id}`)).delete();
      const changes = (await env.graph.api(quiet['@odata.deltaLink'] as string).get()) as Page<Record<string, unknown>>;
      const byId = new Map(changes.value.map((item) => [String(item.id), item]));
      expect([...byId.keys()].sort()).toEqual([a.id, b.id, c.id].sort());
      expect(byId.get(a.id)).toMatchObject({ fields: { Status: 'Done' } });
      expect(byId.get(b.id)).toMatchObject({ deleted: { state: 'deleted' } });
      expect(byId.get(b.id)?.fields).toBeUndefined();
      expect(byId.get(c.id)).toMatchObject({ fields: { Title: 'C' } });
    });

    it('starts from now with ?token=latest: no items, just a deltaLink', async () => {
      await createItem(tracked, { Title: 'Before', Status: 'New' });
      const latest = (await env.graph.api(`${listApi(tracked, '/items/delta')}?token=latest`).get()) as Page<ListItemJson>;
      expect(latest.value).toEqual([]);
      expect(latest['@odata.deltaLink']).toBeDefined();
      const after = await createItem(tracked, { Title: 'After', Status: 'New' });
      const changes = (await env.graph.api(latest['@odata.deltaLink'] as string).get()) as Page<ListItemJson>;
      expect(changes.value.map((item) => item.id)).toEqual([after.id]);
    });

    it('pages a round with nextLinks and ends it with a deltaLink that PageIterator exposes', async () => {
      const latest = (await env.graph.api(`${listApi(tracked, '/items/delta')}?token=latest`).get()) as Page<ListItemJson>;
      const created: string[] = [];
      for (let index = 0; index < 5; index += 1) created.push((await createItem(tracked, { Title: `P${index}`, Status: 'New' })).id);
      const first = (await env.graph.api(`${latest['@odata.deltaLink'] as string}&$top=2`).get()) as Page<ListItemJson>;
      expect(first.value).toHaveLength(2);
      expect(first['@odata.nextLink']).toMatch(/^https:\/\//);
      const seen: string[] = [];
      const iterator = new PageIterator(env.graph, first, (item) => {
        seen.push((item as ListItemJson).id);
        return true;
      });
      await iterator.iterate();
      expect(seen).toEqual(created);
      expect(iterator.getDeltaLink()).toMatch(/token=/);
      const log = await env.control.requests();
      expect(log.value.filter((entry) => entry.path.includes(`/lists/${tracked.id}/items/delta`) && entry.path.includes('skiptoken'))).toHaveLength(2);
    });

    it('answers 400 for a malformed token', async () => {
      const error = await graphError(env.graph.api(`${listApi(tracked, '/items/delta')}?token=not-a-token`).get());
      expect(error.statusCode).toBe(400);
    });
  });
});
