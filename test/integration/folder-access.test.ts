import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceFolder } from '../../src/graph/evidence-folder.js';
import { EvidenceLibrary } from '../../src/graph/evidence-library.js';
import { FolderSharing } from '../../src/graph/folder-sharing.js';
import { GuestDirectory } from '../../src/graph/guest-directory.js';
import { lazySiteContext } from '../../src/graph/site-context.js';
import type { SiteContext } from '../../src/graph/site-context.js';
import { grantFolderAccess, setApplicantAccess } from '../../src/workflows/folder-access.js';
import type { FolderAccessDependencies } from '../../src/workflows/folder-access.js';
import { siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

const granted = { clientId: '0a1b2c3d-0000-4000-8000-0000000000e1', secret: 'guest-grant-secret-0000e1' };

/**
 * Sharing evidence folders with applicants outside the tenant, through the real Graph SDK against
 * the emulator: the directory look-up, guest creation, the refused invite, and access changes by
 * the recorded permission id.
 */
describe('folder access for applicants outside the tenant', () => {
  let env: TestEmulator;
  let site: () => Promise<SiteContext>;
  let library: EvidenceLibrary;
  let plain: FolderAccessDependencies;
  let withGuests: FolderAccessDependencies;
  let counter = 0;

  const makeFolder = async (requesterEmail: string) => {
    counter += 1;
    return library.provision({
      folderName: `Access test ${counter}`,
      sectionFolderNames: ['1 Healthcare organisation'],
      formFileName: 'Application form.docx',
      form: new TextEncoder().encode('form'),
      requesterEmail,
      invitationMessage: 'Your folder.',
    });
  };
  const listed = async (folderId: string): Promise<{ id: string; roles: string[] }[]> => {
    const { driveId } = await site();
    return ((await env.graph.api(`/drives/${driveId}/items/${folderId}/permissions`).get()) as { value: { id: string; roles: string[] }[] }).value;
  };
  const inspected = async (folderId: string, email: string): Promise<string[] | undefined> => {
    const state = await env.control.state();
    const root = state.sites[0]?.drives.find((drive) => drive.name === 'Application evidence')?.root;
    return root?.children.find((node) => node.id === folderId)?.permissions.find((permission) => permission.grantedToV2?.user?.email === email)?.roles;
  };

  beforeAll(async () => {
    env = await startTestEmulator({
      tenant: (seed) => ({
        ...seed,
        applications: [
          ...seed.applications,
          { clientId: granted.clientId, displayName: 'weqs with guest creation', roles: ['Sites.Selected', 'User.Read.All', 'User.Invite.All'], clientSecrets: [granted.secret], certificates: [], mailboxRoles: {}, siteRoles: { [sitePath]: 'fullcontrol' } },
        ],
        directory: { members: [], guests: [{ displayName: 'Known Guest', email: 'known.guest@partner.example', accepted: true }] },
      }),
    });
    const settings = { hostname: siteHostname, path: sitePath, evidenceLibrary: 'Application evidence', applicationsList: 'Applications' };
    site = lazySiteContext(env.graph, settings);
    library = new EvidenceLibrary(env.graph, site);
    plain = { sharing: new FolderSharing(env.graph, site) };
    const guestGraph = env.graphAs(granted.clientId, granted.secret);
    const guestSite = lazySiteContext(guestGraph, settings);
    withGuests = { sharing: new FolderSharing(guestGraph, guestSite), guests: new GuestDirectory(guestGraph, guestSite) };
  });
  afterAll(async () => env.stop());

  it('makes the folder and reports the share refused, rather than failing, for someone who is not a guest', async () => {
    const folder = await makeFolder('not.yet@elsewhere.example');
    expect(folder.folderId).toEqual(expect.any(String));
    expect(folder.formUrl).toMatch(/Application%20form\.docx$/);
    expect(folder.sharing).toMatchObject({ kind: 'refused', status: 400, reason: expect.stringContaining('invalidRequest') });
    expect(await inspected(folder.folderId, 'not.yet@elsewhere.example')).toBeUndefined();
  });

  it('shares at once with an existing guest, and returns the permission id the folder list leaves out', async () => {
    const folder = await makeFolder('known.guest@partner.example');
    expect(folder.sharing).toEqual({ kind: 'granted', permissionId: expect.any(String) });
    const permissionId = folder.sharing.kind === 'granted' ? folder.sharing.permissionId : '';
    expect((await listed(folder.folderId)).map((permission) => permission.id)).not.toContain(permissionId);
  });

  it('tells members, guests and unknown people apart, with addresses that need escaping', async () => {
    const guests = withGuests.guests;
    expect(await guests?.standing('alex.morgan@weqs.nhs.example')).toBe('member');
    expect(await guests?.standing('KNOWN.GUEST@partner.example')).toBe('guest');
    const awkward = "o'neil+wex&co@elsewhere.example";
    expect(await guests?.standing(awkward)).toBe('not-known');
    await guests?.createGuest(awkward, "Sam O'Neil");
    expect(await guests?.standing(awkward)).toBe('guest');
  });

  it('makes a new applicant a guest first where the deployment may, and then shares', async () => {
    const folder = await makeFolder('brand.new@elsewhere.example');
    expect(folder.sharing.kind).toBe('refused');
    expect(await grantFolderAccess(plain, folder.folderId, { email: 'brand.new@elsewhere.example' }, 'write', { sendInvitation: false })).toMatchObject({ kind: 'refused' });
    const result = await grantFolderAccess(withGuests, folder.folderId, { email: 'brand.new@elsewhere.example', name: 'Brand New' }, 'write', { sendInvitation: false });
    expect(result).toEqual({ kind: 'granted', permissionId: expect.any(String) });
    expect(await inspected(folder.folderId, 'brand.new@elsewhere.example')).toEqual(['write']);
  });

  it('changes a guest’s access by the recorded permission id, which matching by address cannot do', async () => {
    const email = 'known.guest@partner.example';
    const folder = await makeFolder(email);
    const permissionId = folder.sharing.kind === 'granted' ? folder.sharing.permissionId : '';
    const folders = new EvidenceFolder(env.graph, site);
    const deps = { access: plain, folders };
    // By address, the guest's permission is not found, and inviting again cannot take edit rights away.
    await folders.setAccess(folder.folderId, email, 'read');
    expect(await inspected(folder.folderId, email)).toEqual(['write']);
    // By id it can; and pending access is left to the access job.
    expect(await setApplicantAccess(deps, { permissionId }, folder.folderId, email, 'read')).toBe('changed');
    expect(await inspected(folder.folderId, email)).toEqual(['read']);
    expect(await setApplicantAccess(deps, { accessPending: true }, folder.folderId, email, 'write')).toBe('pending');
    expect(await inspected(folder.folderId, email)).toEqual(['read']);
    // Staff removed the permission: it is shared again, silently.
    const { driveId } = await site();
    await env.graph.api(`/drives/${driveId}/items/${folder.folderId}/permissions/${permissionId}`).delete();
    expect(await setApplicantAccess(deps, { permissionId }, folder.folderId, email, 'write')).toBe('changed');
    expect(await inspected(folder.folderId, email)).toEqual(['write']);
  });
});
