import { describe, expect, it } from 'vitest';
import type { FolderAccessPort, FolderRole, ShareResult } from '../../../src/ports/evidence-folders.port.js';
import { grantFolderAccess, prepareApplicant, setApplicantAccess } from '../../../src/workflows/folder-access.js';
import { InboundWorld, requestSubject } from './inbound-fakes.js';

const northshire = 'Northshire Teaching Hospitals NHS Trust';
const plainName = 'Northshire Teaching Hospitals NHS Trust (RZZ)';

describe('an application’s folder is its own and nobody else’s', () => {
  it('uses the name with the reference when something else already has the plain name', async () => {
    const world = new InboundWorld();
    world.foreignFolderNames.add(plainName.toUpperCase());
    const email = world.deliver({ subject: requestSubject(northshire) });

    expect((await world.handle(email)).outcome).toBe('provisioned');
    expect(world.effects.folders.map((folder) => folder.folderName)).toEqual([`${plainName} WEQS-2027-0001`]);
  });

  it('never adopts a folder whose name another application reserved', async () => {
    const world = new InboundWorld();
    const first = world.deliver({ subject: requestSubject(northshire), from: { address: 'first@trust.nhs.example' } });
    await world.handle(first);
    // The first application is withdrawn; a new one for the same organisation must not reuse its folder.
    const claim = world.claimsByKey.get('ods:RZZ');
    if (!claim) throw new Error('expected a claim');
    world.claimsByKey.set('ods:RZZ', { ...claim, state: 'withdrawn' });
    const second = world.deliver({ subject: requestSubject(northshire), from: { address: 'second@trust.nhs.example' } });

    expect(await world.handle(second)).toMatchObject({ outcome: 'provisioned', reference: 'WEQS-2027-0002' });
    expect(world.effects.folders.map((folder) => folder.folderName)).toEqual([plainName, `${plainName} WEQS-2027-0002`]);
  });

  it('ends as failed at once, for staff, when no name of its own is free', async () => {
    const world = new InboundWorld();
    world.foreignFolderNames.add(plainName);
    world.foreignFolderNames.add(`${plainName} WEQS-2027-0001`);
    const email = world.deliver({ subject: requestSubject(northshire) });

    expect(await world.handle(email)).toMatchObject({ outcome: 'failed' });
    expect(world.effects.folders).toEqual([]);
    expect(world.claimsByKey.get('ods:RZZ')?.state).toBe('failed');
    expect(world.effects.cards).toHaveLength(1);
  });

  it('refuses a folder another application recorded, rather than sharing it', async () => {
    const world = new InboundWorld();
    world.deps.claims.recordFolder = async () => 'taken';
    const email = world.deliver({ subject: requestSubject(northshire) });

    expect(await world.handle(email)).toMatchObject({ outcome: 'failed' });
    expect(world.effects.sent).toEqual([]);
    expect(world.effects.applications).toEqual([]);
  });
});

function accessWorld(options: { standing?: 'member' | 'guest' | 'not-known' | Error; share?: ShareResult; changeRole?: 'changed' | 'gone' } = {}) {
  const calls: string[] = [];
  const access: FolderAccessPort = {
    sharing: {
      share: async (folderId, email, role) => {
        calls.push(`share ${folderId} ${email} ${role}`);
        return options.share ?? { kind: 'granted', permissionId: 'p-new' };
      },
      changeRole: async (folderId, permissionId, role) => {
        calls.push(`changeRole ${folderId} ${permissionId} ${role}`);
        return options.changeRole ?? 'changed';
      },
    },
    ...(options.standing
      ? {
          guests: {
            standing: async () => {
              if (options.standing instanceof Error) throw options.standing;
              return options.standing ?? 'not-known';
            },
            createGuest: async (email: string) => {
              calls.push(`createGuest ${email}`);
              return 'guest-id';
            },
          },
        }
      : {}),
  };
  const folders = { setAccess: async (folderId: string, email: string, role: FolderRole) => (calls.push(`setAccess ${folderId} ${email} ${role}`), 'changed' as const) };
  return { access, folders, calls };
}

describe('sharing a folder with its applicant', () => {
  const applicant = { email: 'jo@trust.nhs.example', name: 'Jo' };

  it('makes a new applicant a guest first where the deployment may, and leaves members and guests as they are', async () => {
    const fresh = accessWorld({ standing: 'not-known' });
    expect(await prepareApplicant(fresh.access, applicant)).toBe('guest');
    expect(fresh.calls).toEqual(['createGuest jo@trust.nhs.example']);

    const member = accessWorld({ standing: 'member' });
    expect(await prepareApplicant(member.access, applicant)).toBe('member');
    expect(member.calls).toEqual([]);

    expect(await prepareApplicant(accessWorld().access, applicant)).toBe('unknown');
  });

  it('never fails the caller when the directory cannot be asked: sharing decides', async () => {
    const world = accessWorld({ standing: new Error('403') });
    expect(await grantFolderAccess(world.access, 'f1', applicant, 'write', { sendInvitation: true })).toEqual({ kind: 'granted', permissionId: 'p-new' });
    expect(world.calls).toEqual(['share f1 jo@trust.nhs.example write']);
  });

  it('changes access by the recorded permission, shares again if staff removed it, and waits while access is pending', async () => {
    const byId = accessWorld();
    expect(await setApplicantAccess({ access: byId.access, folders: byId.folders }, { permissionId: 'p1' }, 'f1', applicant.email, 'read')).toBe('changed');
    expect(byId.calls).toEqual(['changeRole f1 p1 read']);

    const removed = accessWorld({ changeRole: 'gone' });
    expect(await setApplicantAccess({ access: removed.access, folders: removed.folders }, { permissionId: 'p1' }, 'f1', applicant.email, 'read')).toBe('changed');
    expect(removed.calls).toEqual(['changeRole f1 p1 read', 'share f1 jo@trust.nhs.example read']);

    const refused = accessWorld({ changeRole: 'gone', share: { kind: 'refused', reason: 'not a guest' } });
    await expect(setApplicantAccess({ access: refused.access, folders: refused.folders }, { permissionId: 'p1' }, 'f1', applicant.email, 'read')).rejects.toThrow('not a guest');

    const legacy = accessWorld();
    expect(await setApplicantAccess({ access: legacy.access, folders: legacy.folders }, {}, 'f1', applicant.email, 'write')).toBe('changed');
    expect(legacy.calls).toEqual(['setAccess f1 jo@trust.nhs.example write']);

    const pending = accessWorld();
    expect(await setApplicantAccess({ access: pending.access, folders: pending.folders }, { accessPending: true }, 'f1', applicant.email, 'read')).toBe('pending');
    expect(pending.calls).toEqual([]);
  });
});
