import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { createFolder, errorBody, evidenceDrive, getSite, graphError, rootOf } from './helpers.js';
import type { DriveItemJson } from './helpers.js';

interface PermissionJson {
  id: string;
  roles: string[];
  grantedToV2?: { user?: { id?: string; email?: string } };
  invitation?: { email?: string };
}

const directoryApp = { clientId: '0a1b2c3d-0000-4000-8000-0000000000d1', secret: 'directory-secret-000000d1' };
const member = 'alex.morgan@weqs.nhs.example';
const existingGuest = 'pat.guest@partner.example';

/**
 * Sharing with people outside the tenant. "New guests can't be invited using app-only access.
 * Existing guests can be invited using app-only requests."
 * https://learn.microsoft.com/graph/api/driveitem-invite , https://learn.microsoft.com/graph/api/user-list ,
 * https://learn.microsoft.com/graph/api/invitation-post ,
 * https://github.com/OneDrive/onedrive-api-docs/issues/484 (guests listed only once they accept)
 */
describe('guests and sharing outside the tenant', () => {
  let env: TestEmulator;
  let directory: Client;
  let driveId: string;
  let rootId: string;
  let folder: DriveItemJson;
  let counter = 0;

  const invite = (email: string, client: Client = env.graph): Promise<{ value: PermissionJson[] }> =>
    client.api(`/drives/${driveId}/items/${folder.id}/invite`).post({ recipients: [{ email }], roles: ['write'], requireSignIn: true, sendInvitation: true }) as Promise<{ value: PermissionJson[] }>;
  const listed = async (): Promise<PermissionJson[]> => ((await env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions`).get()) as { value: PermissionJson[] }).value;
  const findUsers = async (email: string): Promise<{ id: string; userType: string }[]> =>
    ((await directory.api('/users').filter(`mail eq '${email}' or otherMails/any(m:m eq '${email}') or userPrincipalName eq '${email}'`).select(['id', 'userType']).get()) as { value: { id: string; userType: string }[] }).value;

  beforeAll(async () => {
    env = await startTestEmulator({
      tenant: (seed) => ({
        ...seed,
        applications: [
          ...seed.applications,
          { clientId: directoryApp.clientId, displayName: 'directory app', roles: ['Sites.Selected', 'User.Read.All', 'User.Invite.All'], clientSecrets: [directoryApp.secret], certificates: [], mailboxRoles: {}, siteRoles: { '/sites/WorkExperience': 'fullcontrol' } },
        ],
        directory: { members: [], guests: [{ displayName: 'Pat Guest', email: existingGuest, accepted: true }] },
      }),
    });
    directory = env.graphAs(directoryApp.clientId, directoryApp.secret);
    const site = await getSite(env.graph);
    driveId = (await evidenceDrive(env.graph, site.id)).id;
    rootId = (await rootOf(env.graph, driveId)).id;
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    counter += 1;
    folder = await createFolder(env.graph, driveId, rootId, `Guest folder ${counter}`);
  });

  it('refuses an app-only invite of an address that is neither a member nor a guest, and shares nothing', async () => {
    const error = await graphError(invite(`new.person${counter}@elsewhere.example`));
    expect(error.statusCode).toBe(400);
    expect(errorBody(error)).toMatchObject({ code: 'invalidRequest', message: 'The request is malformed or incorrect.' });
    const state = await env.control.state();
    expect(state.sharingInvitations.filter((entry) => entry.itemId === folder.id)).toEqual([]);
    expect(await listed()).toSatisfy((list: PermissionJson[]) => list.every((permission) => !permission.grantedToV2?.user));
  });

  it('shares with a member at once: listed with the address', async () => {
    const [granted] = (await invite(member)).value;
    expect((await listed()).find((permission) => permission.id === granted?.id)?.grantedToV2?.user?.email).toBe(member);
  });

  it('shares with an existing guest, who is left out of the list until they accept, then listed without an address', async () => {
    const [granted] = (await invite(existingGuest)).value;
    expect(granted).toMatchObject({ id: expect.any(String), roles: ['write'] });
    expect((await listed()).map((permission) => permission.id)).not.toContain(granted?.id);
    // The recorded id answers before acceptance: access can change by id.
    const changed = (await env.graph.api(`/drives/${driveId}/items/${folder.id}/permissions/${granted?.id}`).patch({ roles: ['read'] })) as PermissionJson;
    expect(changed.roles).toEqual(['read']);
    await env.control.acceptSharing(existingGuest);
    const after = (await listed()).find((permission) => permission.id === granted?.id);
    expect(after?.roles).toEqual(['read']);
    expect(after?.grantedToV2?.user?.email).toBeUndefined();
    expect(after?.invitation?.email).toBeUndefined();
  });

  it('shares once a staff member has made the person a guest', async () => {
    const person = `later${counter}@elsewhere.example`;
    await expect(invite(person)).rejects.toMatchObject({ statusCode: 400 });
    await env.control.addGuest(person, 'Later Person');
    const [granted] = (await invite(person)).value;
    expect(granted?.id).toEqual(expect.any(String));
  });

  describe('the directory', () => {
    it('lists users by mail, other mails or sign-in name with User.Read.All, and refuses apps without it', async () => {
      expect(await findUsers(member)).toEqual([expect.objectContaining({ userType: 'Member' })]);
      expect(await findUsers(existingGuest.toUpperCase())).toEqual([expect.objectContaining({ userType: 'Guest' })]);
      expect(await findUsers('nobody@elsewhere.example')).toEqual([]);
      const denied = await graphError(env.graph.api('/users').filter(`mail eq '${member}'`).get());
      expect(denied.statusCode).toBe(403);
      expect(errorBody(denied).code).toBe('Authorization_RequestDenied');
      const unsupported = await graphError(directory.api('/users').filter("city eq 'Leeds'").get());
      expect(unsupported.statusCode).toBe(400);
    });

    it('creates a guest with POST /invitations (User.Invite.All), after which the app-only invite works', async () => {
      const person = `invited${counter}@elsewhere.example`;
      const denied = await graphError(env.graph.api('/invitations').post({ invitedUserEmailAddress: person, inviteRedirectUrl: 'https://weqs.sharepoint.example/sites/WorkExperience' }));
      expect(denied.statusCode).toBe(403);
      const invitation = (await directory.api('/invitations').post({ invitedUserEmailAddress: person, inviteRedirectUrl: 'https://weqs.sharepoint.example/sites/WorkExperience', sendInvitationMessage: false })) as {
        status: string;
        invitedUser: { id: string };
        invitedUserType: string;
      };
      expect(invitation).toMatchObject({ status: 'PendingAcceptance', invitedUserType: 'Guest', invitedUser: { id: expect.any(String) } });
      expect(await findUsers(person)).toEqual([{ id: invitation.invitedUser.id, userType: 'Guest' }]);
      const [granted] = (await invite(person)).value;
      expect(granted?.id).toEqual(expect.any(String));
      const member = await graphError(directory.api('/invitations').post({ invitedUserEmailAddress: 'alex.morgan@weqs.nhs.example', inviteRedirectUrl: 'https://weqs.sharepoint.example/' }));
      expect(member.statusCode).toBe(400);
    });
  });
});

describe('the other reading of the refusal (tenant option newGuestInviteRefusal: access-denied)', () => {
  let env: TestEmulator;
  beforeAll(async () => {
    env = await startTestEmulator({ tenant: (seed) => ({ ...seed, behaviour: { ...seed.behaviour, newGuestInviteRefusal: 'access-denied' } }) });
  });
  afterAll(async () => env.stop());

  it('answers 403 accessDenied', async () => {
    const site = await getSite(env.graph);
    const driveId = (await evidenceDrive(env.graph, site.id)).id;
    const folder = await createFolder(env.graph, driveId, (await rootOf(env.graph, driveId)).id, 'Denied');
    const error = await graphError(env.graph.api(`/drives/${driveId}/items/${folder.id}/invite`).post({ recipients: [{ email: 'new@elsewhere.example' }], roles: ['write'], requireSignIn: true }));
    expect(error.statusCode).toBe(403);
    expect(errorBody(error).code).toBe('accessDenied');
  });
});
