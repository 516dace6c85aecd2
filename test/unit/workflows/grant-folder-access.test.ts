import type { ODataFilter } from '../../../src/graph/odata-filter.js';
import { describe, expect, it } from 'vitest';
import type { ApplicationItem } from '../../../src/graph/applications-list.js';
import type { ShareResult } from '../../../src/graph/folder-sharing.js';
import type { ApplicationClaim, ProvisioningProgress } from '../../../src/ports/claims.port.js';
import { grantPendingFolderAccess } from '../../../src/workflows/review/grant-folder-access.js';
import type { ReviewDependencies } from '../../../src/workflows/review/review-dependencies.js';

/**
 * The access job in process, against in-memory fakes: it retries until sharing works, tells the
 * applicant once whatever fails around it, and uses the role the application's status calls for.
 */
function world(status: ApplicationItem['fields']['Status'] = 'Open') {
  const item: ApplicationItem = {
    id: '7',
    etag: '"1"',
    webUrl: 'https://weqs.sharepoint.example/sites/WorkExperience/Lists/Applications/7',
    fields: {
      Title: 'Northtown Hospice',
      Reference: 'WEQS-2026-0007',
      OrganisationKey: 'name:northtown hospice',
      Status: status,
      RequesterEmail: 'nia@outsider.example',
      RequesterName: 'Nia',
      FolderLink: 'https://weqs.sharepoint.example/sites/WorkExperience/Application%20evidence/Northtown%20Hospice',
      SourceMessageId: '<original@outsider.example>',
      FolderAccess: 'Pending',
      DecisionReady: false,
      RemindersOff: false,
    } as ApplicationItem['fields'],
  };
  let claim: ApplicationClaim = {
    organisationKey: 'name:northtown hospice',
    organisationName: 'Northtown Hospice',
    sourceMessageKey: 'k',
    requesterAddress: 'nia@outsider.example',
    receivedAt: '2026-12-01T10:00:00Z',
    state: 'open',
    claimedAt: '2026-12-01T10:00:01Z',
    etag: '1',
    progress: { reference: 'WEQS-2026-0007', folderId: 'folder-1', folderUrl: item.fields.FolderLink ?? '', accessPending: true, shared: false },
  };
  const sent = new Set<string>();
  const emails: { intent: string; subject: string }[] = [];
  const shares: { role: string; sendInvitation: boolean }[] = [];
  const faults = { shareRefused: true, updateFails: false };
  let guestMade = false;
  const deps = {
    applications: {
      query: async (filter: ODataFilter) => (filter.text.includes("FolderAccess eq 'Pending'") && item.fields.FolderAccess === 'Pending' ? [item] : []),
      update: async (_id: string, fields: Record<string, unknown>) => {
        if (faults.updateFails) throw new Error('SharePoint is unavailable');
        Object.assign(item.fields, fields);
      },
    },
    claims: {
      get: async () => claim,
      checkpoint: async (current: ApplicationClaim, progress: ProvisioningProgress) => {
        claim = { ...current, progress: { ...current.progress, ...progress } };
        return claim;
      },
    },
    access: {
      sharing: {
        share: async (_folderId: string, _email: string, role: 'read' | 'write', options: { sendInvitation: boolean }): Promise<ShareResult> => {
          shares.push({ role, sendInvitation: options.sendInvitation });
          return faults.shareRefused && !guestMade ? { kind: 'refused', status: 400, code: 'invalidRequest', reason: '400 invalidRequest' } : { kind: 'granted', permissionId: 'perm-1' };
        },
        changeRole: async () => 'changed' as const,
      },
    },
    outgoing: {
      sendOnce: async (intent: string, message: { subject: string }) => {
        if (sent.has(intent)) return 'already-sent' as const;
        sent.add(intent);
        emails.push({ intent, subject: message.subject });
        return 'sent' as const;
      },
    },
    settings: { inboxAddress: 'workexperience@weqs.nhs.example' },
  } as unknown as ReviewDependencies;
  return { deps, item, emails, shares, faults, claim: () => claim, makeGuest: () => (guestMade = true) };
}

const run = (deps: ReviewDependencies, dryRun = false) => grantPendingFolderAccess(deps, { now: new Date('2026-12-02T10:00:00Z'), dryRun });

describe('the folder access job', () => {
  it('keeps trying while sharing is refused, then records the permission, tells the applicant once and marks the row', async () => {
    const w = world();
    expect((await run(w.deps))[0]?.action).toMatch(/still pending: 400 invalidRequest/);
    expect(w.emails).toEqual([]);
    expect(w.item.fields.FolderAccess).toBe('Pending');
    w.makeGuest();
    await run(w.deps);
    expect(w.claim().progress).toMatchObject({ permissionId: 'perm-1', accessPending: false, shared: true });
    expect(w.item.fields.FolderAccess).toBe('Granted');
    expect(w.emails.map((email) => email.subject)).toEqual([expect.stringMatching(/^You can now open your evidence folder/)]);
    await run(w.deps);
    expect(w.emails).toHaveLength(1);
    // Shared without SharePoint's own email: weqs's email is the one the applicant gets.
    expect(w.shares.every((share) => !share.sendInvitation && share.role === 'write')).toBe(true);
  });

  it('does not share or email twice when marking the row fails after the email went', async () => {
    const w = world();
    w.makeGuest();
    w.faults.updateFails = true;
    expect((await run(w.deps))[0]?.action).toMatch(/failed, will retry/);
    expect(w.emails).toHaveLength(1);
    w.faults.updateFails = false;
    await run(w.deps);
    expect(w.emails).toHaveLength(1);
    expect(w.shares).toHaveLength(1);
    expect(w.item.fields.FolderAccess).toBe('Granted');
  });

  it('grants read-only access to an application already in review, and nothing for a finished one', async () => {
    const inReview = world('In review');
    inReview.makeGuest();
    await run(inReview.deps);
    expect(inReview.shares.map((share) => share.role)).toEqual(['read']);
    const decided = world('Decided');
    decided.makeGuest();
    expect((await run(decided.deps))[0]?.action).toMatch(/not shared/);
    expect(decided.shares).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const w = world();
    w.makeGuest();
    expect((await run(w.deps, true))[0]?.action).toMatch(/shares the folder \(can edit\)/);
    expect(w.shares).toEqual([]);
    expect(w.emails).toEqual([]);
  });
});
