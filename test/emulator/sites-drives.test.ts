import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { errorBody, evidenceDrive, getSite, graphError, rootOf, testApps, withTestApps } from './helpers.js';
import type { DriveItemJson, DriveRef, SiteRef } from './helpers.js';

/**
 * Sites and drives, and Sites.Selected authorisation.
 * https://learn.microsoft.com/graph/api/site-getbypath , .../drive-list , .../drive-get ,
 * https://learn.microsoft.com/graph/permissions-selected-overview (facts file §5.1, §8.1)
 */
describe('SharePoint sites and drives', () => {
  let env: TestEmulator;
  let site: SiteRef;

  beforeAll(async () => {
    // The invitee is one of the tenant's own people: this is about the site grant, not guests.
    env = await startTestEmulator({ tenant: (seed) => ({ ...withTestApps(seed), directory: { members: [{ displayName: 'Requester', email: 'requester@example.org' }], guests: [] } }) });
    site = await getSite(env.graph);
  });
  afterAll(async () => env.stop());

  describe('site by path', () => {
    it('returns the site with a composite id of hostname, site-collection GUID and web GUID', async () => {
      const found = (await env.graph.api(`/sites/${siteHostname}:${sitePath}`).get()) as Record<string, unknown>;
      const guid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
      expect(found.id).toMatch(new RegExp(`^${siteHostname.replace(/\./g, '\\.')},${guid},${guid}$`));
      expect(found).toMatchObject({ name: 'WorkExperience', displayName: 'Work Experience', webUrl: `https://${siteHostname}${sitePath}` });
      expect(typeof found.createdDateTime).toBe('string');
      expect(typeof found.lastModifiedDateTime).toBe('string');
    });

    it('accepts a trailing colon after the server-relative path', async () => {
      const found = (await env.graph.api(`/sites/${siteHostname}:${sitePath}:`).get()) as SiteRef;
      expect(found.id).toBe(site.id);
    });

    it('is the same site when read back by its id', async () => {
      const byId = (await env.graph.api(`/sites/${site.id}`).get()) as SiteRef;
      expect(byId).toMatchObject({ id: site.id, webUrl: site.webUrl });
    });

    it('answers 404 itemNotFound for a path that is not a site', async () => {
      const error = await graphError(env.graph.api(`/sites/${siteHostname}:/sites/NoSuchSite`).get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('itemNotFound');
    });

    it('answers 404 itemNotFound for a host that is not the tenant', async () => {
      const error = await graphError(env.graph.api(`/sites/other.sharepoint.example:${sitePath}`).get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('itemNotFound');
    });

    it('answers 404 itemNotFound for an unknown site id', async () => {
      const error = await graphError(env.graph.api(`/sites/${siteHostname},11111111-2222-3333-4444-555555555555,66666666-7777-8888-9999-000000000000`).get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('itemNotFound');
    });

    it('carries request-id and client-request-id in the error, as Graph does', async () => {
      const error = await graphError(env.graph.api(`/sites/${siteHostname}:/sites/NoSuchSite`).get());
      const body = errorBody(error);
      expect(body.innerError?.['request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(error.requestId).toBe(body.innerError?.['request-id']);
    });
  });

  describe('drives', () => {
    it('lists the document libraries of the site, each a documentLibrary drive', async () => {
      const drives = (await env.graph.api(`/sites/${site.id}/drives`).get()) as { value: DriveRef[] };
      expect(drives.value.map((drive) => drive.name).sort()).toEqual(['Application evidence', 'Documents']);
      for (const drive of drives.value) {
        expect(drive.id).toMatch(/^b![A-Za-z0-9_-]+$/);
        expect(drive.driveType).toBe('documentLibrary');
      }
      const documents = drives.value.find((drive) => drive.name === 'Documents');
      expect(documents?.webUrl).toBe(`${site.webUrl}/Shared%20Documents`);
    });

    it('returns the default "Documents" library as the site drive', async () => {
      const drive = (await env.graph.api(`/sites/${site.id}/drive`).get()) as DriveRef;
      expect(drive).toMatchObject({ name: 'Documents', driveType: 'documentLibrary' });
    });

    it('returns the drive of a document library addressed as a list', async () => {
      const lists = (await env.graph.api(`/sites/${site.id}/lists`).get()) as { value: { id: string; displayName: string; list: { template: string } }[] };
      const library = lists.value.find((list) => list.displayName === 'Application evidence');
      expect(library?.list.template).toBe('documentLibrary');
      const drive = (await env.graph.api(`/sites/${site.id}/lists/${library?.id}/drive`).get()) as DriveRef;
      const evidence = await evidenceDrive(env.graph, site.id);
      expect(drive.id).toBe(evidence.id);
    });

    it('answers 404 for the drive of a list that is not a library', async () => {
      const error = await graphError(env.graph.api(`/sites/${site.id}/lists/Applications/drive`).get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('itemNotFound');
    });

    it('returns the drive by id and its root folder', async () => {
      const evidence = await evidenceDrive(env.graph, site.id);
      const drive = (await env.graph.api(`/drives/${evidence.id}`).get()) as DriveRef;
      expect(drive).toMatchObject({ id: evidence.id, name: 'Application evidence', driveType: 'documentLibrary' });
      const root: DriveItemJson = await rootOf(env.graph, evidence.id);
      expect(root.root).toEqual({});
      expect(root.folder).toEqual({ childCount: 0 });
      expect(root.parentReference).toMatchObject({ driveId: evidence.id, driveType: 'documentLibrary', siteId: site.id });
    });

    it('answers 404 itemNotFound for an unknown drive', async () => {
      const error = await graphError(env.graph.api('/drives/b!doesNotExist').get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('itemNotFound');
    });
  });

  describe('Sites.Selected authorisation', () => {
    it('denies an app with Sites.Selected but no grant on the site: 403 accessDenied', async () => {
      const ungranted = env.graphAs(testApps.ungranted.clientId, testApps.ungranted.secret);
      const error = await graphError(ungranted.api(`/sites/${siteHostname}:${sitePath}`).get());
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('accessDenied');
    });

    it('denies an ungranted app the drives and items of the site too, even with a valid drive id', async () => {
      const evidence = await evidenceDrive(env.graph, site.id);
      const ungranted = env.graphAs(testApps.ungranted.clientId, testApps.ungranted.secret);
      for (const path of [`/sites/${site.id}/drives`, `/drives/${evidence.id}`, `/drives/${evidence.id}/root/children`, `/drives/${evidence.id}/items/01NOSUCHITEM`]) {
        const error = await graphError(ungranted.api(path).get());
        expect({ path, status: error.statusCode, code: error.code }).toEqual({ path, status: 403, code: 'accessDenied' });
      }
    });

    it('lets a read grant read the site and its drives but not write: 403 accessDenied', async () => {
      const reader = env.graphAs(testApps.reader.clientId, testApps.reader.secret);
      const evidence = await evidenceDrive(reader, site.id);
      const root = await rootOf(reader, evidence.id);
      const folder = await graphError(reader.api(`/drives/${evidence.id}/items/${root.id}/children`).post({ name: 'Reader folder', folder: {} }));
      expect(folder.statusCode).toBe(403);
      expect(folder.code).toBe('accessDenied');
      const put = await graphError(reader.api(`/drives/${evidence.id}/items/${root.id}:/r.txt:/content`).header('Content-Type', 'text/plain').put(Buffer.from('x')));
      expect(put.statusCode).toBe(403);
      expect(put.code).toBe('accessDenied');
      const list = await graphError(reader.api(`/sites/${site.id}/lists/Applications/items`).post({ fields: { Title: 'x' } }));
      expect(list.statusCode).toBe(403);
    });

    it('lets a write grant create folders but not share them: invite needs full control (403 accessDenied)', async () => {
      const writer = env.graphAs(testApps.writer.clientId, testApps.writer.secret);
      const evidence = await evidenceDrive(writer, site.id);
      const root = await rootOf(writer, evidence.id);
      const folder = (await writer.api(`/drives/${evidence.id}/items/${root.id}/children`).post({ name: 'Writer folder', folder: {} })) as DriveItemJson;
      expect(folder.folder).toEqual({ childCount: 0 });
      const invite = { recipients: [{ email: 'requester@example.org' }], roles: ['write'], requireSignIn: true, sendInvitation: false };
      const error = await graphError(writer.api(`/drives/${evidence.id}/items/${folder.id}/invite`).post(invite));
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('accessDenied');
      const owner = env.graphAs(testApps.owner.clientId, testApps.owner.secret);
      const ownerError = await graphError(owner.api(`/drives/${evidence.id}/items/${folder.id}/invite`).post(invite));
      expect(ownerError.statusCode).toBe(403);
      const shared = (await env.graph.api(`/drives/${evidence.id}/items/${folder.id}/invite`).post(invite)) as { value: unknown[] };
      expect(shared.value).toHaveLength(1);
    });

    it('records which app made each request in the request log', async () => {
      const reader = env.graphAs(testApps.reader.clientId, testApps.reader.secret);
      await reader.api(`/sites/${site.id}`).get();
      const log = await env.control.requests();
      const last = log.value.filter((entry) => entry.path === `/v1.0/sites/${site.id}`).at(-1);
      expect(last?.appId).toBe(testApps.reader.clientId);
    });
  });
});
