import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { loadConfig } from '../../src/config.js';
import { frameworkSectionsCatalogue } from '../../src/domain/criteria-catalogue.js';
import { ukDateOf, ukStartOfDay } from '../../src/domain/uk-dates.js';
import { odata } from '../../src/graph/odata-filter.js';
import { createRuntime } from '../../src/runtime.js';
import type { Runtime } from '../../src/runtime.js';
import { runReviewJob } from '../../src/workflows/review/review-jobs.js';
import type { ReviewJobName } from '../../src/workflows/review/review-jobs.js';
import { applicationDates, calendarDates, datesFound, inventedDates, inventedDatesInForm } from '../support/calendar-dates.js';
import { applicationForms, applicationRows, cardsTitled, evidenceRoot, outcomeOf, subscribeAsWeqs } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';
import { fillApplicationForm } from '../support/word.js';
import { weqsCommand } from '../../dev/weqs-command.js';
import { ensureDevCertificates, trustBundle } from '../../emulator/tls.js';

/**
 * A simulated year and a half of review cycles on a virtual clock: two dozen organisations at
 * different readiness levels apply; the review jobs run day by day as the timers would (in UTC,
 * acting on UK dates), across the change to British Summer Time; staff edit the Applications list
 * and the calendar; awards expire two years on and organisations apply again.
 */
const calendar = [
  // The last reminder falls on 28 March 2027, the day the clocks go forward.
  { id: 'sim-c1', name: 'Spring 2027', submissionDeadline: '2027-03-29', reviewStart: '2027-04-12', reviewEnd: '2027-05-28', decisionsOpen: '2027-06-01', decisionsClose: '2027-06-15' },
  { id: 'sim-c2', name: 'Autumn 2027', submissionDeadline: '2027-09-06', reviewStart: '2027-10-04', reviewEnd: '2027-11-26', decisionsOpen: '2027-11-29', decisionsClose: '2027-12-10' },
  { id: 'sim-bad', name: 'Typo cycle', submissionDeadline: '2028-05-18', reviewStart: '2028-06-01', reviewEnd: '2028-07-27', decisionsOpen: '2028-05-01', decisionsClose: '2028-05-14' },
  { id: 'sim-c9', name: 'Autumn 2029', submissionDeadline: '2029-09-17', reviewStart: '2029-10-01', reviewEnd: '2029-11-23', decisionsOpen: '2029-11-26', decisionsClose: '2029-12-07' },
];

/** Staff move the autumn deadline by two weeks, recording where it was. */
const autumnMoved = { submissionDeadline: '2027-09-20', extendedFrom: '2027-09-06' };

const groups = ['gold', 'bronze', 'few', 'stale', 'noform', 'optout'] as const;
type Group = (typeof groups)[number];
interface Organisation {
  group: Group;
  name: string;
  requester: string;
  reference?: string;
  folderId?: string | undefined;
}
const organisations: Organisation[] = groups.flatMap((group) => [1, 2, 3, 4].map((n) => ({ group, name: `Simulated ${group} Care ${n}`, requester: `${group}${n}@sim.nhs.example` })));
const orgOf = (group: Group, n: number): Organisation => organisations.find((org) => org.name === `Simulated ${group} Care ${n}`) as Organisation;

const noonUk = (date: string): Date => new Date(ukStartOfDay(date).getTime() + 12 * 3600 * 1000);
const days = (from: string, to: string): string[] => {
  const result: string[] = [];
  for (let day = new Date(`${from}T12:00:00Z`); ukDateOf(day) <= to; day = new Date(day.getTime() + 24 * 3600 * 1000)) result.push(ukDateOf(day));
  return result;
};

describe('a simulated review year', () => {
  let stack: Stack;
  let runtime: Runtime;
  let driveId = '';

  const setClock = (instant: Date): Promise<unknown> => stack.env.control.call('POST', '/_emulator/clock', { set: instant.toISOString() });
  const outbound = async (): Promise<EmulatorState['outbound']> => (await stack.env.control.call<{ value: EmulatorState['outbound'] }>('GET', '/_emulator/outbound')).value;
  const sentTo = async (org: Organisation, subject: RegExp): Promise<string[]> =>
    (await outbound()).filter((mail) => mail.to.includes(org.requester) && subject.test(mail.subject)).map((mail) => ukDateOf(new Date(mail.submittedAt)));
  const run = async (date: string, jobs: ReviewJobName[], hour = 12): Promise<void> => {
    const now = new Date(ukStartOfDay(date).getTime() + hour * 3600 * 1000);
    await setClock(now);
    for (const job of jobs) await runReviewJob(job, runtime.review, { now, dryRun: false });
  };
  const everyDay = async (from: string, to: string, jobs: ReviewJobName[]): Promise<void> => {
    for (const day of days(from, to)) await run(day, jobs);
  };
  const row = async (org: Organisation): Promise<{ id: string; fields: Record<string, unknown> }> => {
    const items = await runtime.applicationsList.query(odata`fields/Reference eq ${org.reference ?? ''}`);
    const item = items[0];
    if (!item) throw new Error(`no row for ${org.name}`);
    return { id: item.id, fields: item.fields };
  };
  const staffEdit = (org: Organisation, fields: Record<string, string | boolean | null>): Promise<void> => row(org).then((item) => runtime.applicationsList.update(item.id, fields));
  const upload = (org: Organisation, path: string, bytes: Uint8Array, type = 'application/pdf'): Promise<unknown> =>
    stack.env.graph.api(`/drives/${driveId}/items/${org.folderId ?? ''}:/${path.split('/').map(encodeURIComponent).join('/')}:/content`).header('Content-Type', type).put(Buffer.from(bytes));
  /** One subscription per simulated moment an email arrives (see subscribeAsWeqs). */
  let subscribedAt = '';
  let subscribing: Promise<unknown> = Promise.resolve();
  const keepSubscribed = (at: Date): Promise<unknown> => {
    if (subscribedAt !== at.toISOString()) {
      subscribedAt = at.toISOString();
      subscribing = subscribeAsWeqs(stack, at);
    }
    return subscribing;
  };
  /** An email arrives at a simulated time, and Graph notifies the webhook. */
  const request = async (org: Organisation, subject: string, at: Date): Promise<string> => {
    await setClock(at);
    await keepSubscribed(at);
    const { internetMessageId } = await stack.env.control.deliver({ from: { name: org.name, address: org.requester }, subject });
    return (await outcomeOf(stack, internetMessageId)).outcome ?? '';
  };

  beforeAll(async () => {
    const folder = await mkdtemp(join(tmpdir(), 'weqs-calendar-'));
    const calendarFile = join(folder, 'calendar.json');
    await writeFile(calendarFile, JSON.stringify(calendar));
    const unlimited = { WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: '100000', WEQS_SEND_RATE_PER_MINUTE: '60000', WEQS_CALENDAR_CACHE_SECONDS: '0' };
    // The applicants are guests of the tenant already, so their folders are shared at once and
    // access changes all year go by permission id (a guest's permission is not listed with their address).
    const guests = organisations.map((org) => ({ displayName: org.name, email: org.requester, accepted: true }));
    stack = await startStack({ directory: 'none', calendarFile, settings: unlimited, tuning: { sendLimitPerMinute: 100_000 }, tenant: (seed) => ({ ...seed, directory: { members: [], guests } }) });
    runtime = createRuntime(loadConfig({ ...stack.settings, ...unlimited, WEQS_LOG_LEVEL: 'silent' }));
    // `calendar import` adds only valid cycles; staff typing into the list are not checked first.
    await runtime.calendarList.importCycles(calendar.filter((cycle) => cycle.id === 'sim-bad'));
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('opens two dozen applications in February 2027, targeting the spring cycle', async () => {
    const outcomes = await Promise.all(organisations.map((org) => request(org, `Work Experience Quality Standard – ${org.name}`, noonUk('2027-02-01'))));
    expect(outcomes).toEqual(organisations.map(() => 'provisioned'));
    const state = await stack.env.control.state();
    driveId = state.sites[0]?.drives.find((drive) => drive.name === 'Application evidence')?.id ?? '';
    const rows = applicationRows(state);
    for (const org of organisations) {
      const found = rows.find((candidate) => candidate.Title === org.name);
      org.reference = String(found?.Reference);
      org.folderId = evidenceRoot(state).children.find((node) => node.name === org.name)?.id;
      expect(found?.TargetCycle).toBe('sim-c1');
    }
  }, 120_000);

  it('receives evidence at different readiness levels, and one applicant asks for no reminders', async () => {
    // No catalogue is loaded, so forms have the six sections with one commentary box each.
    const sections = frameworkSectionsCatalogue().sections;
    const docsPerSection: Record<Group, number> = { gold: 2, bronze: 1, few: 0, stale: 1, noform: 1, optout: 2 };
    for (const org of organisations) {
      // Stale evidence is dated in 2025: more than 12 months before the 2027 deadline.
      await setClock(noonUk(org.group === 'stale' ? '2025-06-01' : '2027-02-10'));
      const names: string[] = [];
      for (const [index, section] of sections.entries()) {
        const count = org.group === 'few' ? (index < 3 ? 1 : 0) : docsPerSection[org.group];
        for (let n = 1; n <= count; n += 1) {
          const name = `${section.id} evidence ${n}.pdf`;
          names.push(name);
          await upload(org, `${section.folderName}/${name}`, new TextEncoder().encode(`%PDF-1.4 evidence ${org.name} ${name}`));
        }
      }
      if (org.group === 'noform') continue;
      const form = new Uint8Array((await stack.env.graph.api(`/drives/${driveId}/items/${org.folderId ?? ''}:/Application%20form.docx:/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer);
      const boxes = sections.flatMap((section) => section.criteria.map((criterion) => ({ sectionId: section.id, criterionId: criterion.id, text: `See "${section.id} evidence 1.pdf", page 2.` })));
      await upload(org, 'Application form.docx', fillApplicationForm(form, boxes), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    }
    for (const org of organisations.filter((candidate) => candidate.group === 'optout')) {
      expect(await request(org, `RE: Work Experience Quality Standard – ${org.name} (${org.reference ?? ''}) STOP REMINDERS`, noonUk('2027-02-20'))).toBe('reminders-preference');
      expect((await row(org)).fields.RemindersOff).toBe(true);
    }
  }, 180_000);

  it('sends every deadline reminder exactly once, on its UK day, across the change to BST — through a 429 storm and two runs at once', async () => {
    await everyDay('2027-02-26', '2027-03-14', ['calendar', 'reminders']);
    // Two timer runs at the same moment.
    await setClock(noonUk('2027-03-15'));
    await Promise.all([1, 2].map(() => runReviewJob('reminders', runtime.review, { now: noonUk('2027-03-15'), dryRun: false })));
    await everyDay('2027-03-16', '2027-03-21', ['reminders']);
    // Half of all sends throttled with Retry-After; a later run the same day catches up.
    // The send is a step of weqs's send $batch (after the draft and its intent mark).
    await stack.env.control.addFaults({ method: 'POST', path: '/v1.0/users/*/messages/*/send', inBatch: true, status: 429, retryAfterSeconds: 0, probability: 0.5, seed: 7 });
    await run('2027-03-22', ['reminders'], 9);
    await stack.env.control.clearFaults();
    await run('2027-03-22', ['reminders'], 15);
    await everyDay('2027-03-23', '2027-03-29', ['reminders']);
    for (const org of organisations) {
      const reminders = await sentTo(org, /^(New )?submission deadline/i);
      if (org.group === 'optout') expect(reminders).toEqual([]);
      else expect(reminders).toEqual(['2027-03-01', '2027-03-15', '2027-03-22', '2027-03-28']);
    }
    expect((await outbound()).every((mail) => mail.status === 'delivered')).toBe(true);
  }, 300_000);

  it('closes the cycle after the deadline: ready applications go into review read-only, the rest move on and are told why', async () => {
    await run('2027-03-30', ['calendar', 'close-cycle', 'reminders']);
    await run('2027-03-30', ['close-cycle'], 15);
    const state = await stack.env.control.state();
    for (const org of organisations) {
      const fields = applicationRows(state).find((candidate) => candidate.Reference === org.reference);
      const ready = org.group === 'gold' || org.group === 'bronze' || org.group === 'optout';
      expect(fields?.Status).toBe(ready ? 'In review' : 'Open');
      expect(fields?.TargetCycle).toBe(ready ? 'sim-c1' : 'sim-c2');
      const access = evidenceRoot(state).children.find((node) => node.id === org.folderId)?.permissions.find((permission) => permission.grantedToV2?.user?.email === org.requester);
      expect(access?.roles).toEqual([ready ? 'read' : 'write']);
      expect(await sentTo(org, ready ? /being reviewed/i : /not reviewed|next|moved/i)).toHaveLength(1);
    }
    expect(cardsTitled(state, /Submission deadline passed: Spring 2027/)).toHaveLength(1);
    // The card names where the rolled-over applications went, not "reviews are paused".
    const closedCard = JSON.stringify(cardsTitled(state, /Submission deadline passed: Spring 2027/));
    expect(closedCard).toContain('Autumn 2027, deadline 6 Sep 2027');
    expect(closedCard).not.toMatch(/reviews are paused/);
    expect(cardsTitled(state, /Review calendar rows ignored/)).toHaveLength(1);
    expect(JSON.stringify(cardsTitled(state, /Review calendar rows ignored/))).toMatch(/Typo cycle/);
  }, 180_000);

  it('posts the weekly digest once a week, however often it runs', async () => {
    await run('2027-04-05', ['digest'], 9);
    await run('2027-04-05', ['digest'], 10);
    await run('2027-04-07', ['digest'], 10);
    const digests = cardsTitled(await stack.env.control.state(), /Weekly summary/);
    expect(digests).toHaveLength(1);
  });

  it('asks for more information, opens the folder until the due date, then closes it', async () => {
    const org = orgOf('gold', 1);
    await setClock(noonUk('2027-04-20'));
    await staffEdit(org, { Status: 'Information requested', InformationRequest: 'Please add your induction checklist.\nPage numbers too.', InformationDueOn: '2027-04-30T12:00:00Z' });
    await run('2027-04-20', ['information-requests']);
    const access = async (): Promise<string[] | undefined> => evidenceRoot(await stack.env.control.state()).children.find((node) => node.id === org.folderId)?.permissions.find((permission) => permission.grantedToV2?.user?.email === org.requester)?.roles;
    expect(await access()).toEqual(['write']);
    expect(await sentTo(org, /More information/i)).toEqual(['2027-04-20']);
    await run('2027-04-30', ['information-requests']);
    expect(await access()).toEqual(['write']);
    await run('2027-05-01', ['information-requests']);
    expect(await access()).toEqual(['read']);
    expect((await row(org)).fields.Status).toBe('In review');
    expect(await sentTo(org, /More information/i)).toHaveLength(1);
  }, 120_000);

  it('sends decisions only inside the window, once each, with certificates, and a late one at once with a staff card', async () => {
    await setClock(noonUk('2027-05-20'));
    for (const n of [1, 2, 3]) await staffEdit(orgOf('gold', n), { Award: 'Gold', DecisionReady: true });
    await staffEdit(orgOf('gold', 4), { Award: 'Not awarded', DecisionReady: true, DecisionNotes: 'The evidence does not yet cover <learner feedback>.' });
    for (const n of [1, 2, 3]) await staffEdit(orgOf('bronze', n), { Award: 'Bronze', DecisionReady: true });
    for (const n of [1, 2, 3, 4]) await staffEdit(orgOf('optout', n), { Award: 'Silver', DecisionReady: true });
    await everyDay('2027-05-20', '2027-05-31', ['decisions']);
    expect(await sentTo(orgOf('gold', 1), /^Decision on your application/)).toEqual([]);
    // The first decision email goes but its row update fails: the retry the next day must record
    // the expiry date that email stated, not one a day later.
    await stack.env.control.addFaults([{ method: 'PATCH', path: '/v1.0/sites/*/lists/*/items/*/fields', status: 500, times: 1 }]);
    await run('2027-06-01', ['decisions']);
    const { value: faults } = await stack.env.control.call<{ value: { hits: number }[] }>('GET', '/_emulator/faults');
    expect(faults.map((fault) => fault.hits)).toEqual([1]);
    await stack.env.control.clearFaults();
    await everyDay('2027-06-02', '2027-06-04', ['decisions']);
    // Staff edit a sent decision twice: no second email.
    await setClock(noonUk('2027-06-05'));
    await staffEdit(orgOf('gold', 2), { Award: 'Silver', DecisionReady: false });
    await staffEdit(orgOf('gold', 2), { DecisionReady: true });
    await everyDay('2027-06-05', '2027-06-19', ['decisions']);
    await setClock(noonUk('2027-06-20'));
    await staffEdit(orgOf('bronze', 4), { Award: 'Bronze', DecisionReady: true });
    await everyDay('2027-06-20', '2027-06-21', ['decisions']);

    const state = await stack.env.control.state();
    for (const org of organisations.filter((candidate) => ['gold', 'bronze', 'optout'].includes(candidate.group))) {
      const late = org === orgOf('bronze', 4);
      expect(await sentTo(org, /^Decision on your application/)).toEqual([late ? '2027-06-20' : '2027-06-01']);
      const fields = applicationRows(state).find((candidate) => candidate.Reference === org.reference);
      expect(fields?.Status).toBe('Decided');
      if (org !== orgOf('gold', 4)) {
        const expiresOn = late ? '2029-06-20' : '2029-06-01';
        expect(String(fields?.AwardExpiresOn)).toMatch(new RegExp(`^${expiresOn}`));
        const decision = (await outbound()).find((mail) => mail.to.includes(org.requester) && /^Decision on your application/.test(mail.subject));
        expect(decision?.text).toContain(late ? '20 June 2029' : '1 June 2029');
      }
      const folder = evidenceRoot(state).children.find((node) => node.id === org.folderId);
      const certificates = folder?.children.filter((node) => node.name.startsWith('Award certificate')) ?? [];
      expect(certificates).toHaveLength(org === orgOf('gold', 4) ? 0 : 1);
    }
    expect(cardsTitled(state, /after the decision window|late/i).length).toBeGreaterThanOrEqual(1);
    const notAwarded = (await outbound()).find((mail) => mail.to.includes(orgOf('gold', 4).requester) && /decision/i.test(mail.subject));
    expect(notAwarded?.html).not.toContain('<learner feedback>');
    expect(notAwarded?.html).toContain('&lt;learner feedback&gt;');
  }, 240_000);

  it('lets an organisation that was not awarded apply again, and answers a second request from one still open', async () => {
    expect(await request(orgOf('gold', 4), `Work Experience Quality Standard – ${orgOf('gold', 4).name}`, noonUk('2027-07-01'))).toBe('provisioned');
    expect(await request(orgOf('few', 1), `Work Experience Quality Standard – ${orgOf('few', 1).name}`, noonUk('2027-07-01'))).toBe('duplicate');
    const rows = applicationRows(await stack.env.control.state()).filter((candidate) => candidate.Title === orgOf('gold', 4).name);
    expect(rows.map((candidate) => candidate.Status).sort()).toEqual(['Decided', 'Open']);
  }, 120_000);

  it('previews a job with the command line without sending anything', async () => {
    const before = (await outbound()).length;
    const certificates = await ensureDevCertificates();
    const preview = await weqsCommand({ ...stack.settings, WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: '100000', WEQS_SEND_RATE_PER_MINUTE: '60000', NODE_EXTRA_CA_CERTS: await trustBundle(certificates) }, ['reminders', '--as-of', '2027-08-09', '--dry-run']);
    expect(preview).toMatch(/dry run: nothing sent or changed\): 13 actions/);
    // Each reminder shows the readiness summary its email would carry.
    expect(preview).toMatch(/Current documents \(dated on or after/);
    expect(preview).toContain(orgOf('stale', 3).reference ?? 'missing');
    expect((await outbound()).length).toBe(before);
  }, 120_000);

  it('handles a moved deadline: applicants are told at once, reminders already sent stay sent, the new date gets its own', async () => {
    await everyDay('2027-08-01', '2027-08-24', ['calendar', 'reminders']);
    // Staff move the autumn deadline by two weeks.
    const rows = await runtime.calendarList.rows();
    const autumn = rows.find((candidate) => candidate.CycleId === 'sim-c2');
    const site = await runtime.site();
    const lists = (await stack.env.graph.api(`/sites/${site.siteId}/lists`).get()) as { value: { id: string; displayName: string }[] };
    const calendarList = lists.value.find((list) => list.displayName === 'Review calendar');
    await stack.env.graph.api(`/sites/${site.siteId}/lists/${calendarList?.id ?? ''}/items/${String(autumn?.id)}/fields`).patch({ SubmissionDeadline: `${autumnMoved.submissionDeadline}T12:00:00Z`, ExtendedFrom: `${autumnMoved.extendedFrom}T12:00:00Z` });
    // The next calendar watch (every five minutes) tells each open application in the cycle, once,
    // however many runs overlap.
    await Promise.all([run('2027-08-24', ['calendar'], 13), run('2027-08-24', ['calendar'], 13)]);
    await run('2027-08-24', ['calendar'], 14);
    const waiting = applicationRows(await stack.env.control.state()).filter((candidate) => candidate.Status === 'Open' && candidate.TargetCycle === 'sim-c2');
    expect(waiting.length).toBeGreaterThanOrEqual(12);
    const movedNotices = async (): Promise<EmulatorState['outbound']> => (await outbound()).filter((mail) => /^Your submission deadline has changed/.test(mail.subject));
    const told = await movedNotices();
    expect(told.map((mail) => mail.to.join()).sort()).toEqual(waiting.map((candidate) => String(candidate.RequesterEmail)).sort());
    for (const mail of told) {
      expect(ukDateOf(new Date(mail.submittedAt))).toBe('2027-08-24');
      expect(mail.text?.replace(/\s+/g, ' ')).toContain('The deadline has moved from Monday 6 September 2027 to Monday 20 September 2027.');
    }
    expect(cardsTitled(await stack.env.control.state(), /Review calendar dates changed: Autumn 2027/)).toHaveLength(1);
    await everyDay('2027-08-25', '2027-09-21', ['calendar', 'reminders', 'close-cycle']);
    expect(await movedNotices()).toHaveLength(told.length);
    for (const org of [...organisations.filter((candidate) => ['few', 'stale', 'noform'].includes(candidate.group))]) {
      const autumnReminders = (await sentTo(org, /^(New )?submission deadline/i)).filter((day) => day >= '2027-08-01');
      expect(autumnReminders).toEqual(['2027-08-09', '2027-08-23', '2027-08-25', '2027-09-06', '2027-09-13', '2027-09-19']);
    }
    const moved = (await outbound()).find((mail) => mail.to.includes(orgOf('few', 2).requester) && ukDateOf(new Date(mail.submittedAt)) === '2027-08-25');
    expect(moved?.text).toMatch(/moved/i);
  }, 300_000);

  it('reminds award holders before expiry, marks awards expired, and applies the re-application rules', async () => {
    // Before the renewal window: the award is current.
    expect(await request(orgOf('gold', 3), `Work Experience Quality Standard – ${orgOf('gold', 3).name}`, noonUk('2029-01-15'))).toBe('award-current');
    await everyDay('2029-02-28', '2029-03-31', ['reminders', 'awards']);
    // In the renewal window: a new application.
    expect(await request(orgOf('gold', 1), `Work Experience Quality Standard – ${orgOf('gold', 1).name}`, noonUk('2029-04-01'))).toBe('provisioned');
    await everyDay('2029-04-01', '2029-06-22', ['reminders', 'awards']);

    const expiryDays = async (org: Organisation): Promise<string[]> => (await sentTo(org, /award expires/i)).filter((day) => day >= '2029-01-01' && day < '2029-06-01');
    expect(await expiryDays(orgOf('gold', 1))).toEqual(['2029-03-03']);
    expect(await expiryDays(orgOf('gold', 2))).toEqual(['2029-03-03', '2029-05-02']);
    expect(await expiryDays(orgOf('bronze', 1))).toEqual(['2029-03-03', '2029-05-02']);
    expect(await expiryDays(orgOf('bronze', 4))).toEqual(['2029-03-22', '2029-05-21']);
    // Applicants who asked for no reminders get none.
    expect(await expiryDays(orgOf('optout', 1))).toEqual([]);
    const state = await stack.env.control.state();
    const status = (org: Organisation): unknown => applicationRows(state).find((candidate) => candidate.Reference === org.reference)?.Status;
    expect(status(orgOf('gold', 2))).toBe('Expired');
    expect(status(orgOf('bronze', 4))).toBe('Expired');
    expect(await sentTo(orgOf('gold', 2), /has expired/i)).toEqual(['2029-06-02']);
    // The renewal has its own folder, named with its reference.
    const renewal = applicationRows(state).find((candidate) => candidate.Title === orgOf('gold', 1).name && candidate.Status === 'Open');
    expect(renewal?.TargetCycle).toBe('sim-c9');
    expect(evidenceRoot(state).children.some((node) => node.name === `${orgOf('gold', 1).name} ${String(renewal?.Reference)}`)).toBe(true);
  }, 400_000);

  it('wrote no date in any email or card that is not in the calendar under test or derived from staff-owned data', async () => {
    const state = await stack.env.control.state();
    // The evidence was dated by the days it was uploaded (the readiness summaries list stale documents with their dates).
    const evidenceDays = ['2025-06-01', '2027-02-10'];
    const allowed = new Set([...calendarDates([...calendar, autumnMoved]), ...applicationDates(applicationRows(state)), ...evidenceDays]);
    expect(state.outbound.length).toBeGreaterThan(100);
    expect(inventedDates(state, allowed)).toEqual([]);
    const forms = await applicationForms(stack);
    expect(forms.length).toBeGreaterThanOrEqual(organisations.length);
    expect(forms.flatMap((form) => inventedDatesInForm(form.name, form.docx, form.createdAt, allowed))).toEqual([]);
    expect(datesFound(state, forms.map((form) => form.docx))).toBeGreaterThan(1000);
  });
});
