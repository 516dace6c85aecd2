import { PageIterator, RedirectHandlerOptions, ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sitePath, siteHostname, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { createFolder, encodePath, errorBody, evidenceDrive, getSite, graphError, rootOf, upload } from './helpers.js';
import type { DriveItemJson } from './helpers.js';

/**
 * driveItem create/upload/list/address/copy/delete in a SharePoint document library.
 * https://learn.microsoft.com/graph/api/driveitem-post-children , .../driveitem-put-content ,
 * .../driveitem-list-children , .../driveitem-get-content , .../driveitem-copy ,
 * https://learn.microsoft.com/graph/long-running-actions-overview , .../resources/driveitem ,
 * https://support.microsoft.com/office/invalid-file-names-and-file-types-in-onedrive-and-sharepoint-64883a5d-228e-48f5-b3d2-eb39e07630fa
 * (facts file §5.2–§5.5, §5.8)
 */
describe('SharePoint drive items', () => {
  let env: TestEmulator;
  let driveId: string;
  let siteId: string;
  let rootId: string;
  /** A fresh folder per test, so tests never see each other's items. */
  let folder: DriveItemJson;
  let counter = 0;

  const libraryUrl = `https://${siteHostname}${sitePath}/Application%20evidence`;
  const items = (path: string): string => `/drives/${driveId}/${path}`;

  beforeAll(async () => {
    env = await startTestEmulator({ tuning: { copyDelayMs: 250 } });
    siteId = (await getSite(env.graph)).id;
    driveId = (await evidenceDrive(env.graph, siteId)).id;
    rootId = (await rootOf(env.graph, driveId)).id;
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    counter += 1;
    folder = await createFolder(env.graph, driveId, rootId, `Test ${counter}`);
  });

  const children = async (parentId: string): Promise<DriveItemJson[]> => ((await env.graph.api(items(`items/${parentId}/children`)).get()) as { value: DriveItemJson[] }).value;

  describe('creating folders with POST children', () => {
    it('answers 201 with a folder driveItem under its parent', async () => {
      const created = (await env.graph.api(items(`items/${folder.id}/children`)).post({ name: 'Acme Ltd', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })) as DriveItemJson;
      expect(created).toMatchObject({
        name: 'Acme Ltd',
        size: 0,
        folder: { childCount: 0 },
        webUrl: `${libraryUrl}/${encodeURIComponent(folder.name)}/Acme%20Ltd`,
        parentReference: { driveId, driveType: 'documentLibrary', id: folder.id, path: `/drives/${driveId}/root:/${folder.name}`, siteId },
      });
      expect(created.id).toMatch(/^01[A-Z0-9]{32}$/);
      expect(created.eTag).toMatch(/^"\{[0-9A-F-]{36}\},\d+"$/);
      expect(created.cTag).toMatch(/^"c:\{[0-9A-F-]{36}\},\d+"$/);
      expect(created.file).toBeUndefined();
      expect(Date.parse(created.createdDateTime)).not.toBeNaN();
    });

    it('creates under the root with root/children and under a path with root:/path:/children', async () => {
      const atRoot = (await env.graph.api(items('root/children')).post({ name: `Root child ${counter}`, folder: {} })) as DriveItemJson;
      expect(atRoot.parentReference).toMatchObject({ id: rootId, path: `/drives/${driveId}/root:` });
      const byPath = (await env.graph.api(items(`root:/${encodePath(folder.name)}:/children`)).post({ name: 'Via path', folder: {} })) as DriveItemJson;
      expect(byPath.parentReference.id).toBe(folder.id);
    });

    it('answers 409 nameAlreadyExists when the name is taken and conflictBehavior is fail', async () => {
      await createFolder(env.graph, driveId, folder.id, 'Acme Ltd');
      const error = await graphError(createFolder(env.graph, driveId, folder.id, 'Acme Ltd'));
      expect(error.statusCode).toBe(409);
      expect(error.code).toBe('nameAlreadyExists');
      const sameNameOtherCase = await graphError(createFolder(env.graph, driveId, folder.id, 'ACME LTD'));
      expect(sameNameOtherCase.statusCode).toBe(409);
    });

    it('fails on a clash when conflictBehavior is omitted', async () => {
      await createFolder(env.graph, driveId, folder.id, 'Acme Ltd');
      const error = await graphError(env.graph.api(items(`items/${folder.id}/children`)).post({ name: 'Acme Ltd', folder: {} }));
      expect(error.statusCode).toBe(409);
      expect(error.code).toBe('nameAlreadyExists');
    });

    it('appends " 1", " 2" to the name with conflictBehavior rename', async () => {
      await createFolder(env.graph, driveId, folder.id, 'Name');
      const post = (): Promise<DriveItemJson> => env.graph.api(items(`items/${folder.id}/children`)).post({ name: 'Name', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' }) as Promise<DriveItemJson>;
      expect((await post()).name).toBe('Name 1');
      expect((await post()).name).toBe('Name 2');
      expect((await children(folder.id)).map((child) => child.name)).toEqual(['Name', 'Name 1', 'Name 2']);
    });

    it('keeps one item of the name with conflictBehavior replace', async () => {
      await createFolder(env.graph, driveId, folder.id, 'Name');
      const replaced = (await env.graph.api(items(`items/${folder.id}/children`)).post({ name: 'Name', folder: {}, '@microsoft.graph.conflictBehavior': 'replace' })) as DriveItemJson;
      expect(replaced.name).toBe('Name');
      expect((await children(folder.id)).filter((child) => child.name === 'Name')).toHaveLength(1);
    });

    it('counts children in folder.childCount', async () => {
      await createFolder(env.graph, driveId, folder.id, 'One');
      await upload(env.graph, driveId, folder.id, 'two.txt', 'two');
      const read = (await env.graph.api(items(`items/${folder.id}`)).get()) as DriveItemJson;
      expect(read.folder).toEqual({ childCount: 2 });
      expect(read.size).toBe(3);
    });
  });

  describe('SharePoint naming rules', () => {
    const rejects = async (name: string, parentId = folder.id): Promise<void> => {
      const error = await graphError(env.graph.api(items(`items/${parentId}/children`)).post({ name, folder: {} }));
      expect({ name, status: error.statusCode, code: error.code }).toEqual({ name, status: 400, code: 'invalidRequest' });
    };

    it.each(['"', '*', ':', '<', '>', '?', '/', '\\', '|'])('rejects a name containing %s with 400', async (character) => {
      await rejects(`Acme ${character} Ltd`);
    });

    it('rejects leading and trailing spaces', async () => {
      await rejects(' Acme');
      await rejects('Acme ');
    });

    it.each(['CON', 'con', 'PRN', 'AUX', 'NUL', 'COM0', 'COM9', 'LPT0', 'LPT9', '.lock', 'desktop.ini', '~$x', '~$report.docx', 'a_vti_b', '_vti_'])('rejects the reserved name %s', async (name) => {
      await rejects(name);
    });

    it('rejects a folder called "forms" at the library root, but not deeper', async () => {
      await rejects('forms', rootId);
      await rejects('Forms', rootId);
      const nested = await createFolder(env.graph, driveId, folder.id, 'forms');
      expect(nested.name).toBe('forms');
    });

    it('rejects a folder starting with ~ but accepts a file starting with ~', async () => {
      await rejects('~temp');
      const file = await upload(env.graph, driveId, folder.id, '~draft.txt', 'x');
      expect(file.name).toBe('~draft.txt');
    });

    it('accepts # and % and names that merely contain reserved words', async () => {
      for (const name of ['Acme #1', '100% Care', 'CONTOSO', 'Console', 'forms-2024']) {
        const created = await createFolder(env.graph, driveId, folder.id, name);
        expect(created.name).toBe(name);
      }
    });

    it('applies the rules to uploads too', async () => {
      const error = await graphError(env.graph.api(items(`items/${folder.id}:/${encodeURIComponent('a|b.txt')}:/content`)).header('Content-Type', 'text/plain').put(Buffer.from('x')));
      expect(error.statusCode).toBe(400);
      const reserved = await graphError(env.graph.api(items(`items/${folder.id}:/desktop.ini:/content`)).header('Content-Type', 'text/plain').put(Buffer.from('x')));
      expect(reserved.statusCode).toBe(400);
    });

    it('limits the decoded path (site, library, folders, name) to 400 characters: 400 pathIsTooLong', async () => {
      // "sites/WorkExperience/Application evidence/" is 42 characters; the test folder adds its name and a slash.
      const prefix = `sites/WorkExperience/Application evidence/${folder.name}/`;
      const long = await createFolder(env.graph, driveId, folder.id, 'L'.repeat(200));
      const room = 400 - prefix.length - 201;
      const fits = await createFolder(env.graph, driveId, long.id, 'F'.repeat(room));
      expect(fits.name).toHaveLength(room);
      const error = await graphError(createFolder(env.graph, driveId, long.id, 'G'.repeat(room + 1)));
      expect(error.statusCode).toBe(400);
      expect(errorBody(error).innerError?.code).toBe('pathIsTooLong');
      const upload400 = await graphError(upload(env.graph, driveId, long.id, `${'U'.repeat(room - 3)}.txt`, 'x'));
      expect(upload400.statusCode).toBe(400);
      expect(errorBody(upload400).innerError?.code).toBe('pathIsTooLong');
    });
  });

  describe('listing children', () => {
    it('pages with $top and an absolute https @odata.nextLink that the SDK PageIterator follows', async () => {
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((letter) => `${letter}.txt`);
      for (const name of names) await upload(env.graph, driveId, folder.id, name, name);
      const first = (await env.graph.api(items(`items/${folder.id}/children`)).top(3).get()) as { value: DriveItemJson[]; '@odata.nextLink'?: string };
      expect(first.value).toHaveLength(3);
      expect(first['@odata.nextLink']).toMatch(new RegExp(`^${env.emulator.url.replace(/\./g, '\\.')}/v1\\.0/drives/`));
      expect(first['@odata.nextLink']).toMatch(/\?.*\$skiptoken=[^&]+/);
      const seen: string[] = [];
      const iterator = new PageIterator(env.graph, first, (item) => {
        seen.push((item as DriveItemJson).name);
        return true;
      });
      await iterator.iterate();
      expect(seen).toEqual(names);
      const log = await env.control.requests();
      const pages = log.value.filter((entry) => entry.path.includes(`/items/${folder.id}/children`) && entry.method === 'GET');
      expect(pages.length).toBe(3);
      expect(pages.every((entry) => entry.status === 200)).toBe(true);
    });

    it('returns 200 children per page by default', async () => {
      const sharepoint = env.emulator.context.sharepoint;
      const drive = sharepoint.drive(driveId);
      const parent = sharepoint.item(drive, folder.id);
      for (let index = 0; index < 201; index += 1) sharepoint.addItem(drive, parent, { name: `f${String(index).padStart(3, '0')}.txt`, folder: false, content: Buffer.from('x'), actor: { id: 'test', displayName: 'test' } });
      const first = (await env.graph.api(items(`items/${folder.id}/children`)).get()) as { value: DriveItemJson[]; '@odata.nextLink'?: string };
      expect(first.value).toHaveLength(200);
      expect(first['@odata.nextLink']).toBeDefined();
      const second = (await env.graph.api(first['@odata.nextLink'] as string).get()) as { value: DriveItemJson[]; '@odata.nextLink'?: string };
      expect(second.value.map((item) => item.name)).toEqual(['f200.txt']);
      expect(second['@odata.nextLink']).toBeUndefined();
    });

    it('answers 400 for $top out of range', async () => {
      const error = await graphError(env.graph.api(items(`items/${folder.id}/children`)).top(0).get());
      expect(error.statusCode).toBe(400);
    });

    it('applies $select, always keeping id', async () => {
      await upload(env.graph, driveId, folder.id, 'a.txt', 'a');
      const page = (await env.graph.api(items(`items/${folder.id}/children`)).select('name').get()) as { value: Record<string, unknown>[] };
      expect(Object.keys(page.value[0] ?? {}).sort()).toEqual(['id', 'name']);
      const withUrl = (await env.graph.api(items(`items/${folder.id}/children`)).select(['id', '@microsoft.graph.downloadUrl']).get()) as { value: DriveItemJson[] };
      expect(withUrl.value[0]?.['@microsoft.graph.downloadUrl']).toMatch(/^https:\/\//);
    });
  });

  describe('addressing by path', () => {
    it('resolves root:/A/B and root:/A/B:/children', async () => {
      const a = await createFolder(env.graph, driveId, folder.id, 'A');
      const b = await createFolder(env.graph, driveId, a.id, 'B');
      await upload(env.graph, driveId, b.id, 'c.txt', 'c');
      const byPath = (await env.graph.api(items(`root:/${encodePath(folder.name, 'A', 'B')}`)).get()) as DriveItemJson;
      expect(byPath.id).toBe(b.id);
      const listed = (await env.graph.api(items(`root:/${encodePath(folder.name, 'A', 'B')}:/children`)).get()) as { value: DriveItemJson[] };
      expect(listed.value.map((item) => item.name)).toEqual(['c.txt']);
      const relative = (await env.graph.api(items(`items/${a.id}:/B/c.txt`)).get()) as DriveItemJson;
      expect(relative.parentReference.path).toBe(`/drives/${driveId}/root:/${folder.name}/A/B`);
    });

    it('navigates to one child with children/{child-id}, and only to a child of that folder', async () => {
      const child = await upload(env.graph, driveId, folder.id, 'child.txt', 'c');
      const read = (await env.graph.api(items(`items/${folder.id}/children/${child.id}`)).get()) as DriveItemJson;
      expect(read).toMatchObject({ id: child.id, name: 'child.txt' });
      const notAChild = await graphError(env.graph.api(items(`items/${rootId}/children/${child.id}`)).get());
      expect(notAChild.statusCode).toBe(404);
      expect(notAChild.code).toBe('itemNotFound');
    });

    it('answers 404 itemNotFound for a path that does not exist', async () => {
      const error = await graphError(env.graph.api(items(`root:/${encodePath(folder.name, 'Nope')}`)).get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('itemNotFound');
    });

    it.each(["St John's Hospice & Care", 'Ünïcødé Café', '日本語 フォルダ', 'Two  spaces'])('round-trips the percent-encoded name %s', async (name) => {
      const created = await createFolder(env.graph, driveId, folder.id, name);
      expect(created.name).toBe(name);
      const byPath = (await env.graph.api(items(`root:/${encodePath(folder.name, name)}`)).get()) as DriveItemJson;
      expect(byPath.id).toBe(created.id);
      expect(byPath.webUrl).toBe(`${libraryUrl}/${encodePath(folder.name, name)}`);
      const file = await upload(env.graph, driveId, created.id, `${name}.txt`, 'x');
      expect(file.parentReference.path).toBe(`/drives/${driveId}/root:/${folder.name}/${name}`);
    });

    it('matches names case-insensitively, as SharePoint does', async () => {
      const created = await createFolder(env.graph, driveId, folder.id, 'MixedCase');
      const byPath = (await env.graph.api(items(`root:/${encodePath(folder.name, 'mixedcase')}`)).get()) as DriveItemJson;
      expect(byPath.id).toBe(created.id);
    });
  });

  describe('simple upload with PUT content', () => {
    it('answers 201 for a new file, with the file facet and a download URL', async () => {
      const file = await upload(env.graph, driveId, folder.id, 'Application form.docx', 'PK-docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(file).toMatchObject({
        name: 'Application form.docx',
        size: 7,
        file: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
        parentReference: { id: folder.id, driveId, path: `/drives/${driveId}/root:/${folder.name}` },
        webUrl: `${libraryUrl}/${encodePath(folder.name, 'Application form.docx')}`,
      });
      expect(file.folder).toBeUndefined();
      expect(file.file?.hashes?.quickXorHash).toEqual(expect.any(String));
      expect(file['@microsoft.graph.downloadUrl']).toMatch(/^https:\/\//);
      const status = await env.graph
        .api(items(`items/${folder.id}:/raw.txt:/content`))
        .header('Content-Type', 'text/plain')
        .responseType(ResponseType.RAW)
        .put(Buffer.from('raw'));
      expect((status as Response).status).toBe(201);
    });

    it('replaces an existing file by default: 200, same id, new eTag and cTag', async () => {
      const first = await upload(env.graph, driveId, folder.id, 'cv.txt', 'one');
      const response = (await env.graph
        .api(items(`items/${folder.id}:/cv.txt:/content`))
        .header('Content-Type', 'text/plain')
        .responseType(ResponseType.RAW)
        .put(Buffer.from('second'))) as Response;
      expect(response.status).toBe(200);
      const second = (await response.json()) as DriveItemJson;
      expect(second.id).toBe(first.id);
      expect(second.size).toBe(6);
      expect(second.eTag).not.toBe(first.eTag);
      expect(second.cTag).not.toBe(first.cTag);
    });

    it('replaces by item id with PUT items/{id}/content', async () => {
      const first = await upload(env.graph, driveId, folder.id, 'cv.txt', 'one');
      const replaced = (await env.graph.api(items(`items/${first.id}/content`)).header('Content-Type', 'text/plain').put(Buffer.from('three'))) as DriveItemJson;
      expect(replaced).toMatchObject({ id: first.id, size: 5 });
    });

    it('answers 409 nameAlreadyExists with ?@microsoft.graph.conflictBehavior=fail', async () => {
      await upload(env.graph, driveId, folder.id, 'cv.txt', 'one');
      const error = await graphError(env.graph.api(items(`items/${folder.id}:/cv.txt:/content?@microsoft.graph.conflictBehavior=fail`)).header('Content-Type', 'text/plain').put(Buffer.from('two')));
      expect(error.statusCode).toBe(409);
      expect(error.code).toBe('nameAlreadyExists');
    });

    it('uploads beside the existing file with ?@microsoft.graph.conflictBehavior=rename', async () => {
      await upload(env.graph, driveId, folder.id, 'cv.txt', 'one');
      const renamed = (await env.graph.api(items(`items/${folder.id}:/cv.txt:/content?@microsoft.graph.conflictBehavior=rename`)).header('Content-Type', 'text/plain').put(Buffer.from('two'))) as DriveItemJson;
      expect(renamed.name).toBe('cv 1.txt');
    });

    it('creates the missing folders of a path', async () => {
      const file = (await env.graph.api(items(`root:/${encodePath(folder.name, 'New', 'Deep', 'evidence.pdf')}:/content`)).header('Content-Type', 'application/pdf').put(Buffer.from('%PDF'))) as DriveItemJson;
      expect(file.parentReference.path).toBe(`/drives/${driveId}/root:/${folder.name}/New/Deep`);
      const deep = (await env.graph.api(items(`root:/${encodePath(folder.name, 'New', 'Deep')}`)).get()) as DriveItemJson;
      expect(deep.folder).toEqual({ childCount: 1 });
    });

    it('derives the MIME type from the extension when the body is sent as octet-stream', async () => {
      const file = await upload(env.graph, driveId, folder.id, 'scan.pdf', '%PDF', 'application/octet-stream');
      expect(file.file?.mimeType).toBe('application/pdf');
    });
  });

  describe('downloading content', () => {
    it('answers GET content with 302 to a download URL that serves the bytes without a token', async () => {
      const file = await upload(env.graph, driveId, folder.id, 'letter.txt', 'Dear applicant');
      const response = (await env.graph
        .api(items(`items/${file.id}/content`))
        .middlewareOptions([new RedirectHandlerOptions(0)])
        .responseType(ResponseType.RAW)
        .get()) as Response;
      expect(response.status).toBe(302);
      const location = response.headers.get('location');
      expect(location).toMatch(/^https:\/\//);
      const download = await fetch(location as string);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('text/plain');
      expect(await download.text()).toBe('Dear applicant');
    });

    it('lets the SDK follow the redirect to the bytes', async () => {
      const file = await upload(env.graph, driveId, folder.id, 'letter.txt', 'Dear applicant');
      const bytes = (await env.graph.api(items(`items/${file.id}/content`)).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
      expect(Buffer.from(bytes).toString('utf8')).toBe('Dear applicant');
    });

    it('serves the same bytes from @microsoft.graph.downloadUrl', async () => {
      const file = await upload(env.graph, driveId, folder.id, 'letter.txt', 'Hello');
      const download = await fetch(file['@microsoft.graph.downloadUrl'] as string);
      expect(await download.text()).toBe('Hello');
    });
  });

  describe('copy (long-running action)', () => {
    interface MonitorStatus {
      status: string;
      resourceId?: string;
      percentageComplete?: number;
      error?: { code: string; message: string };
    }

    const startCopy = async (itemId: string, body: Record<string, unknown>, query = ''): Promise<Response> =>
      (await env.graph.api(items(`items/${itemId}/copy${query}`)).responseType(ResponseType.RAW).post(body)) as Response;

    const waitForJob = async (monitor: string): Promise<{ status: number; body: MonitorStatus }> => {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const response = await fetch(monitor);
        const body = (await response.json()) as MonitorStatus;
        if (body.status !== 'inProgress' && body.status !== 'notStarted') return { status: response.status, body };
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('The copy never finished.');
    };

    it('answers 202 with a Location monitor URL outside Graph that needs no token', async () => {
      const source = await upload(env.graph, driveId, folder.id, 'form.docx', 'content');
      const accepted = await startCopy(source.id, { parentReference: { driveId, id: folder.id }, name: 'form (copy).docx' });
      expect(accepted.status).toBe(202);
      expect(await accepted.text()).toBe('');
      const monitor = accepted.headers.get('location') as string;
      expect(monitor).toMatch(/^https:\/\/.+\/_api\/v2\.0\/monitor\/[0-9a-f-]{36}$/);
      expect(monitor).not.toContain('/v1.0/');
      const progress = await fetch(monitor);
      expect(progress.status).toBe(202);
      expect(await progress.json()).toMatchObject({ operation: 'ItemCopy', status: 'inProgress' });
      const done = await waitForJob(monitor);
      expect(done.status).toBeOneOf([200, 202]);
      expect(done.body).toMatchObject({ status: 'completed', percentageComplete: 100 });
      const copy = (await env.graph.api(items(`items/${done.body.resourceId}`)).get()) as DriveItemJson;
      expect(copy).toMatchObject({ name: 'form (copy).docx', size: 7, parentReference: { id: folder.id } });
      expect(copy.id).not.toBe(source.id);
    });

    it('copies a folder with its children into another folder', async () => {
      const source = await createFolder(env.graph, driveId, folder.id, 'Template');
      await upload(env.graph, driveId, source.id, 'a.txt', 'a');
      await createFolder(env.graph, driveId, source.id, 'Sub');
      const target = await createFolder(env.graph, driveId, folder.id, 'Target');
      const accepted = await startCopy(source.id, { parentReference: { driveId, id: target.id } });
      const done = await waitForJob(accepted.headers.get('location') as string);
      expect(done.body.status).toBe('completed');
      const copied = (await env.graph.api(items(`root:/${encodePath(folder.name, 'Target', 'Template')}:/children`)).get()) as { value: DriveItemJson[] };
      expect(copied.value.map((item) => item.name)).toEqual(['a.txt', 'Sub']);
    });

    it('reports failed with nameAlreadyExists when the target name is taken', async () => {
      const source = await upload(env.graph, driveId, folder.id, 'form.docx', 'content');
      const accepted = await startCopy(source.id, { parentReference: { driveId, id: folder.id } });
      expect(accepted.status).toBe(202);
      const done = await waitForJob(accepted.headers.get('location') as string);
      expect(done.body.status).toBe('failed');
      expect(done.body.error?.code).toBe('nameAlreadyExists');
      expect((await children(folder.id)).map((item) => item.name)).toEqual(['form.docx']);
    });

    it('renames the copy with ?@microsoft.graph.conflictBehavior=rename', async () => {
      const source = await upload(env.graph, driveId, folder.id, 'form.docx', 'content');
      const accepted = await startCopy(source.id, { parentReference: { driveId, id: folder.id } }, '?@microsoft.graph.conflictBehavior=rename');
      const done = await waitForJob(accepted.headers.get('location') as string);
      const copy = (await env.graph.api(items(`items/${done.body.resourceId}`)).get()) as DriveItemJson;
      expect(copy.name).toBe('form 1.docx');
    });

    it('answers 404 for a monitor URL that does not exist', async () => {
      const source = await upload(env.graph, driveId, folder.id, 'form.docx', 'content');
      const accepted = await startCopy(source.id, { name: 'x.docx' });
      const monitor = (accepted.headers.get('location') as string).replace(/[0-9a-f-]{36}$/, '00000000-0000-0000-0000-000000000000');
      expect((await fetch(monitor)).status).toBe(404);
    });
  });

  describe('delete', () => {
    it('answers 204 and the item and its children are gone', async () => {
      const doomed = await createFolder(env.graph, driveId, folder.id, 'Doomed');
      const child = await upload(env.graph, driveId, doomed.id, 'a.txt', 'a');
      const response = (await env.graph.api(items(`items/${doomed.id}`)).responseType(ResponseType.RAW).delete()) as Response;
      expect(response.status).toBe(204);
      for (const id of [doomed.id, child.id]) {
        const error = await graphError(env.graph.api(items(`items/${id}`)).get());
        expect(error.statusCode).toBe(404);
        expect(error.code).toBe('itemNotFound');
      }
      expect(await children(folder.id)).toEqual([]);
    });

    it('answers 404 for an item that does not exist', async () => {
      const error = await graphError(env.graph.api(items('items/01NOSUCHITEM')).delete());
      expect(error.statusCode).toBe(404);
    });
  });
});
