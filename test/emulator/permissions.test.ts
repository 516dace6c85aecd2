import { ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { createFolder, evidenceDrive, getSite, graphError, rootOf, upload } from './helpers.js';
import type { DriveItemJson } from './helpers.js';

interface PermissionJson {
  id: string;
  roles: string[];
  grantedToV2?: { user?: { id?: string; displayName?: string; email?: string }; siteUser?: { loginName?: string }; siteGroup?: { id: string; displayName: string } };
  invitation?: { email: string; signInRequired: boolean };
  inheritedFrom?: { driveId: string; id: string; path: string };
}

/**
 * Sharing a folder with one person, and reading/removing its permissions.
 * https://learn.microsoft.com/graph/api/driveitem-invite , .../driveitem-list-permissions ,
 * .../permission-update , .../permission-delete (facts file §5.6, §5.7, trap 13)
 */
describe('SharePoint item permissions', () => {
  let env: TestEmulator;
  let driveId: string;
  let rootId: string;
  let folder: DriveItemJson;
  let counter = 0;

  const requester = 'requester@example.org';
  const invite = (itemId: string, body: Record<string, unknown>): Promise<{ value: PermissionJson[] }> =>
    env.graph.api(`/drives/${driveId}/items/${itemId}/invite`).post(body) as Promise<{ value: PermissionJson[] }>;
  const standardInvite = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    recipients: [{ email: requester }],
    roles: ['write'],
    requireSignIn: true,
    sendInvitation: true,
    message: 'Please upload your documents here.',
    ...extra,
  });
  const permissions = async (itemId: string): Promise<PermissionJson[]> => ((await env.graph.api(`/drives/${driveId}/items/${itemId}/permissions`).get()) as { value: PermissionJson[] }).value;
  const groupNames = (list: PermissionJson[]): string[] => list.flatMap((permission) => (permission.grantedToV2?.siteGroup ? [permission.grantedToV2.siteGroup.displayName] : [])).sort();
  const userEmails = (list: PermissionJson[]): string[] => list.flatMap((permission) => (permission.invitation ? [permission.invitation.email] : []));

  beforeAll(async () => {
    // These invitees are the tenant's own people, so the permission mechanics show plainly;
    // sharing with people outside the tenant is in guests.test.ts.
    const members = [requester, 'quiet@example.org', 'a@example.org', 'b@example.org'].map((email) => ({ displayName: email, email }));
    env = await startTestEmulator({ tenant: (seed) => ({ ...seed, directory: { members, guests: [] } }) });
    const site = await getSite(env.graph);
    driveId = (await evidenceDrive(env.graph, site.id)).id;
    rootId = (await rootOf(env.graph, driveId)).id;
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    counter += 1;
    folder = await createFolder(env.graph, driveId, rootId, `Organisation ${counter}`);
  });

  describe('invite', () => {
    it('answers 200 with the granted permission: grantedToV2.user, invitation.email, roles', async () => {
      const response = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/invite`).responseType(ResponseType.RAW).post(standardInvite())) as Response;
      expect(response.status).toBe(200);
      const body = (await response.json()) as { value: PermissionJson[] };
      expect(body.value).toHaveLength(1);
      const [permission] = body.value;
      expect(permission).toMatchObject({ roles: ['write'], invitation: { email: requester, signInRequired: true } });
      expect(permission?.id).toEqual(expect.any(String));
      expect(permission?.grantedToV2?.user).toMatchObject({ email: requester });
      expect(permission?.grantedToV2?.user?.id).toEqual(expect.any(String));
      expect(permission?.inheritedFrom).toBeUndefined();
    });

    it('sends the sharing email with the message when sendInvitation is true, and not when false', async () => {
      await invite(folder.id, standardInvite());
      const other = await createFolder(env.graph, driveId, rootId, `Silent ${counter}`);
      await invite(other.id, standardInvite({ sendInvitation: false, recipients: [{ email: 'quiet@example.org' }] }));
      const state = await env.control.state<{ sharingInvitations: { itemId: string; email: string; roles: string[]; message?: string }[] }>();
      expect(state.sharingInvitations.filter((entry) => entry.itemId === folder.id)).toEqual([
        expect.objectContaining({ email: requester, roles: ['write'], message: 'Please upload your documents here.' }),
      ]);
      expect(state.sharingInvitations.filter((entry) => entry.itemId === other.id)).toEqual([]);
    });

    it('does not duplicate the permission when the same person is invited again', async () => {
      const first = await invite(folder.id, standardInvite());
      const second = await invite(folder.id, standardInvite({ recipients: [{ email: requester.toUpperCase() }], sendInvitation: false }));
      expect(second.value[0]?.id).toBe(first.value[0]?.id);
      const list = await permissions(folder.id);
      expect(userEmails(list)).toEqual([requester]);
    });

    it('grants several recipients in one call', async () => {
      const result = await invite(folder.id, standardInvite({ recipients: [{ email: 'a@example.org' }, { email: 'b@example.org' }], roles: ['read'] }));
      expect(result.value.map((permission) => permission.invitation?.email)).toEqual(['a@example.org', 'b@example.org']);
      expect(result.value.every((permission) => permission.roles.join() === 'read')).toBe(true);
    });

    it.each([
      ['an unknown role', { roles: ['admin'] }],
      ['no roles', { roles: [] }],
      ['no recipients', { recipients: [] }],
      ['a recipient without an email', { recipients: [{ alias: 'someone' }] }],
      ['a message over 2,000 characters', { message: 'x'.repeat(2001) }],
    ])('answers 400 invalidRequest for %s', async (_case, override) => {
      const error = await graphError(invite(folder.id, standardInvite(override)));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('invalidRequest');
      expect(await permissions(folder.id)).toSatisfy((list: PermissionJson[]) => list.every((permission) => permission.inheritedFrom !== undefined));
    });

    it('accepts a message of exactly 2,000 characters', async () => {
      const result = await invite(folder.id, standardInvite({ message: 'x'.repeat(2000) }));
      expect(result.value).toHaveLength(1);
    });

    it('answers 404 for an item that does not exist', async () => {
      const error = await graphError(invite('01NOSUCHITEM', standardInvite()));
      expect(error.statusCode).toBe(404);
    });
  });

  describe('inheritance', () => {
    it('shows the site groups as inherited from the library root on a child of an unshared folder', async () => {
      const child = await upload(env.graph, driveId, folder.id, 'form.docx', 'x');
      const list = await permissions(child.id);
      expect(groupNames(list)).toEqual(['Work Experience Members', 'Work Experience Owners', 'Work Experience Visitors']);
      for (const permission of list) expect(permission.inheritedFrom).toEqual({ driveId, id: rootId, path: `/drives/${driveId}/root:` });
      const owners = list.find((permission) => permission.grantedToV2?.siteGroup?.displayName.endsWith('Owners'));
      expect(owners?.roles).toEqual(['owner']);
    });

    it('gives the item its own scope on invite and copies the inherited groups by default', async () => {
      await invite(folder.id, standardInvite());
      const list = await permissions(folder.id);
      expect(list.every((permission) => permission.inheritedFrom === undefined)).toBe(true);
      expect(groupNames(list)).toEqual(['Work Experience Members', 'Work Experience Owners', 'Work Experience Visitors']);
      expect(userEmails(list)).toEqual([requester]);
    });

    it('drops the inherited groups with retainInheritedPermissions: false', async () => {
      await invite(folder.id, standardInvite({ retainInheritedPermissions: false }));
      const list = await permissions(folder.id);
      expect(groupNames(list)).toEqual([]);
      expect(userEmails(list)).toEqual([requester]);
    });

    it('makes children inherit from the shared folder, including the invited person', async () => {
      const child = await upload(env.graph, driveId, folder.id, 'form.docx', 'x');
      await invite(folder.id, standardInvite({ retainInheritedPermissions: false }));
      const list = await permissions(child.id);
      expect(userEmails(list)).toEqual([requester]);
      for (const permission of list) expect(permission.inheritedFrom).toEqual({ driveId, id: folder.id, path: `/drives/${driveId}/root:/${folder.name}` });
    });

    it('leaves sibling folders inheriting from the root', async () => {
      const sibling = await createFolder(env.graph, driveId, rootId, `Sibling ${counter}`);
      await invite(folder.id, standardInvite({ retainInheritedPermissions: false }));
      const list = await permissions(sibling.id);
      expect(userEmails(list)).toEqual([]);
      expect(list.every((permission) => permission.inheritedFrom?.id === rootId)).toBe(true);
    });
  });

  describe('reading one permission', () => {
    it('returns a direct permission by id, and an inherited one with inheritedFrom', async () => {
      const [granted] = (await invite(folder.id, standardInvite())).value;
      const direct = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/${granted?.id}`).get()) as PermissionJson;
      expect(direct).toMatchObject({ id: granted?.id, roles: ['write'], invitation: { email: requester } });
      expect(direct.inheritedFrom).toBeUndefined();
      const child = await upload(env.graph, driveId, folder.id, 'form.docx', 'x');
      const inherited = (await env.graph.api(`/drives/${driveId}/items/${child.id}/permissions/${granted?.id}`).get()) as PermissionJson;
      expect(inherited.inheritedFrom).toMatchObject({ id: folder.id });
      const missing = await graphError(env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/nope`).get());
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('changing and removing permissions', () => {
    it('changes a direct permission to read with PATCH: 200 and the new roles', async () => {
      const [granted] = (await invite(folder.id, standardInvite())).value;
      const updated = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/${granted?.id}`).patch({ roles: ['read'] })) as PermissionJson;
      expect(updated).toMatchObject({ id: granted?.id, roles: ['read'] });
      const list = await permissions(folder.id);
      expect(list.find((permission) => permission.id === granted?.id)?.roles).toEqual(['read']);
    });

    it('answers 400 for PATCH with an invalid role', async () => {
      const [granted] = (await invite(folder.id, standardInvite())).value;
      const error = await graphError(env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/${granted?.id}`).patch({ roles: ['admin'] }));
      expect(error.statusCode).toBe(400);
    });

    it('deletes a direct permission: 204 and it is gone', async () => {
      const [granted] = (await invite(folder.id, standardInvite())).value;
      const response = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/${granted?.id}`).responseType(ResponseType.RAW).delete()) as Response;
      expect(response.status).toBe(204);
      expect(userEmails(await permissions(folder.id))).toEqual([]);
    });

    it('refuses to delete an inherited permission and keeps it', async () => {
      const child = await upload(env.graph, driveId, folder.id, 'form.docx', 'x');
      const [inherited] = await permissions(child.id);
      const error = await graphError(env.graph.api(`/drives/${driveId}/items/${child.id}/permissions/${inherited?.id}`).delete());
      expect(error.statusCode).toBeOneOf([400, 403]);
      expect((await permissions(child.id)).map((permission) => permission.id)).toContain(inherited?.id);
    });

    it('refuses to change an inherited permission', async () => {
      const child = await upload(env.graph, driveId, folder.id, 'form.docx', 'x');
      const [inherited] = await permissions(child.id);
      const error = await graphError(env.graph.api(`/drives/${driveId}/items/${child.id}/permissions/${inherited?.id}`).patch({ roles: ['read'] }));
      expect(error.statusCode).toBeOneOf([400, 403]);
    });

    it('answers 404 itemNotFound for a permission id that does not exist', async () => {
      await invite(folder.id, standardInvite());
      const error = await graphError(env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/nope`).delete());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('itemNotFound');
    });

    it('lets a retained group permission be removed once the folder has its own scope', async () => {
      await invite(folder.id, standardInvite());
      const visitors = (await permissions(folder.id)).find((permission) => permission.grantedToV2?.siteGroup?.displayName.endsWith('Visitors'));
      await env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/${visitors?.id}`).delete();
      expect(groupNames(await permissions(folder.id))).toEqual(['Work Experience Members', 'Work Experience Owners']);
      expect(groupNames(await permissions(rootId))).toContain('Work Experience Visitors');
    });
  });
});
