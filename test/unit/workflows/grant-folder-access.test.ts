import { describe, expect, it } from 'vitest';
import type { ApplicationStatus } from '../../../src/domain/application.js';
import { grantPendingFolderAccess } from '../../../src/workflows/review/grant-folder-access.js';
import { crashAtEveryStep, fakeReview } from './review-fakes.js';
import type { ReviewWorld } from './review-fakes.js';

/**
 * The access job in process, against in-memory fakes: it retries until sharing works, tells the
 * applicant once whatever fails around it, and uses the role the application's status calls for.
 */
function world(status: ApplicationStatus = 'open'): ReviewWorld {
  const review = fakeReview({ calendarRows: [], rows: [{ status, requesterAddress: 'nia@outsider.example', requesterName: 'Nia', organisationName: 'Northtown Hospice', folderAccess: 'pending' }] });
  const application = review.applications[0]!;
  const claim = review.claimsByKey.get(application.organisationKey)!;
  claim.progress = { reference: application.reference, folderId: 'folder-1', folderUrl: application.folderUrl ?? '', accessPending: true, shared: false };
  review.outsiders.add('nia@outsider.example');
  return review;
}

const at = { now: new Date('2026-12-02T10:00:00Z'), dryRun: false };
const run = (review: ReviewWorld, dryRun = false) => grantPendingFolderAccess(review.deps, { ...at, dryRun });
const makeGuest = (review: ReviewWorld) => review.outsiders.clear();

describe('the folder access job', () => {
  it('keeps trying while sharing is refused, then records the permission, tells the applicant once and marks the row', async () => {
    const w = world();
    expect((await run(w))[0]?.action).toMatch(/still pending: 400 invalidRequest/);
    expect(w.sent).toEqual([]);
    expect(w.applications[0]?.folderAccess).toBe('pending');
    makeGuest(w);
    await run(w);
    expect(w.claimsByKey.get('org-1')?.progress).toMatchObject({ permissionId: 'permission-again-folder-1', accessPending: false, shared: true });
    expect(w.applications[0]?.folderAccess).toBe('granted');
    expect(w.sent.map((email) => email.subject)).toEqual([expect.stringMatching(/^You can now open your evidence folder/)]);
    expect(w.sent[0]?.inReplyTo).toBe('<request-1@nhs.example>');
    await run(w);
    expect(w.sent).toHaveLength(1);
    // Shared without SharePoint's own email: weqs's email is the one the applicant gets.
    expect(w.shares.every((share) => !share.sendInvitation && share.role === 'write')).toBe(true);
  });

  it('has nothing to do when no folder is pending', async () => {
    const w = fakeReview({ calendarRows: [], rows: [{ folderAccess: 'granted' }, {}] });
    expect(await run(w)).toEqual([]);
    expect(w.shares).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it('does not share or email twice when marking the row fails after the email went', async () => {
    const w = world();
    makeGuest(w);
    w.failing = { name: 'applications.update', error: new Error('SharePoint is unavailable') };
    expect((await run(w))[0]?.action).toMatch(/failed, will retry/);
    expect(w.sent).toHaveLength(1);
    w.failing = undefined;
    await run(w);
    expect(w.sent).toHaveLength(1);
    expect(w.shares).toHaveLength(1);
    expect(w.applications[0]?.folderAccess).toBe('granted');
  });

  it('grants read-only access to an application already in review, and nothing for a finished one', async () => {
    const inReview = world('in review');
    makeGuest(inReview);
    await run(inReview);
    expect(inReview.shares.map((share) => share.role)).toEqual(['read']);
    const decided = world('decided');
    makeGuest(decided);
    expect((await run(decided))[0]?.action).toMatch(/not shared: the application is decided/);
    expect(decided.shares).toEqual([]);
  });

  it('says so, and shares nothing, when the application has no folder on record', async () => {
    const w = world();
    makeGuest(w);
    w.claimsByKey.delete('org-1');
    expect((await run(w))[0]?.action).toMatch(/failed, will retry on the next run: the application has no evidence folder on record/);
    expect(w.shares).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const w = world();
    makeGuest(w);
    expect((await run(w, true))[0]?.action).toMatch(/shares the folder \(can edit\)/);
    expect(w.shares).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it('emails the applicant at most once, and ends shared, whichever step the process dies at', async () => {
    const make = () => {
      const w = world();
      makeGuest(w);
      return w;
    };
    const tried = await crashAtEveryStep(make, grantPendingFolderAccess, at, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(4);
  });
});
