import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { defaultSweepGraceSeconds } from '../../src/config.js';
import { displayOrganisationName } from '../../src/domain/organisation-display.js';
import { gpPracticesNamed, openTrusts } from '../support/nhs-reference.js';
import type { ReferenceOrganisation } from '../support/nhs-reference.js';
import { applicationForms, applicationRows, cardsTitled, deliverAndWait, evidenceRoot, inboundQueueDrained, inboxMessage, mailTo, notificationsAbout, outcomeOf } from '../support/pipeline.js';
import { readFile } from 'node:fs/promises';
import { parseReviewCalendarFile } from '../../src/domain/review-calendar-file.js';
import { applicationDates, calendarDates, datesFound, inventedDates, inventedDatesInForm } from '../support/calendar-dates.js';
import { emulatorReadings } from '../support/emulator.js';
import { exampleCalendarFile, startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/**
 * The request pipeline end to end: Azurite, the Microsoft 365 emulator and the local Functions
 * host in its own process, with the organisation directory built from the extract of real NHS ODS
 * files the repository ships (so it runs on a fresh clone).
 */
/** Distinct real trusts, so tests never collide on one organisation. */
function trustPicker(): (predicate?: (trust: ReferenceOrganisation) => boolean) => ReferenceOrganisation & { display: string } {
  const trusts = openTrusts();
  const used = new Set<string>();
  return (predicate = () => true) => {
    const trust = trusts.find((candidate) => !used.has(candidate.code) && predicate(candidate));
    if (!trust) throw new Error('the reference data has no unused trust that matches');
    used.add(trust.code);
    return { ...trust, display: displayOrganisationName(trust.name) };
  };
}

describe('the request pipeline', () => {
  const pick = trustPicker();
  let stack: Stack;
  beforeAll(async () => {
    // Jo Bloggs is already a guest of the tenant (staff invited them for something else), so
    // the folder is shared at once; everyone else is new to the tenant, and their access follows.
    stack = await startStack({ directory: 'ods-extract', tenant: (seed) => ({ ...seed, directory: { members: [], guests: [{ displayName: 'Jo Bloggs', email: 'jo.bloggs@leedsth.nhs.example', accepted: true }] } }) });
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('provisions a new request: folder, sections, form, sharing, list item, threaded reply, card, category', async () => {
    const trust = pick((candidate) => candidate.name.endsWith(' NHS TRUST') && candidate.name.includes('TEACHING'));
    const { id, internetMessageId, record } = await deliverAndWait(stack, {
      from: { name: 'Jo Bloggs', address: 'jo.bloggs@leedsth.nhs.example' },
      subject: `Work Experience Quality Standard – ${trust.display}`,
      body: 'Please send us the application form.',
    });
    expect(record).toMatchObject({ outcome: 'provisioned', organisationKey: `ods:${trust.code}`, reference: expect.stringMatching(/^WEQS-2026-\d{4}$/) });
    const state = await stack.env.control.state();

    const folderName = `${trust.display} (${trust.code})`;
    const folder = evidenceRoot(state).children.find((node) => node.name === folderName);
    expect(folder?.children.map((node) => node.name)).toEqual([
      '1 Healthcare organisation', '2 Pre-Placement', '3 Placement Induction', '4 During Placement', '5 Reflection and Review', '6 Post Placement', 'Application form.docx',
    ]);
    expect(folder?.children.find((node) => node.name === 'Application form.docx')?.size).toBeGreaterThan(5000);
    // Shared with the requester only, on top of the staff groups the library grants.
    const grants = folder?.permissions.map((permission) => [permission.grantedToV2?.user?.email ?? permission.grantedToV2?.siteGroup?.displayName, permission.roles.join()]);
    expect(grants).toEqual(expect.arrayContaining([['jo.bloggs@leedsth.nhs.example', 'write'], ['Work Experience Members', 'write'], ['Work Experience Owners', 'owner']]));
    expect(grants?.filter(([who]) => who?.includes('@'))).toHaveLength(1);

    expect(applicationRows(state)).toContainEqual(expect.objectContaining({
      Title: trust.display, Reference: record.reference, OrganisationKey: `ods:${trust.code}`, OdsCode: trust.code, Status: 'Open',
      RequesterName: 'Jo Bloggs', RequesterEmail: 'jo.bloggs@leedsth.nhs.example', SourceMessageId: internetMessageId, TargetCycle: expect.any(String),
    }));

    const [reply, ...others] = mailTo(state, 'jo.bloggs@leedsth.nhs.example');
    expect(others).toHaveLength(0);
    expect(reply?.status).toBe('delivered');
    expect(reply?.subject).toContain(trust.display);
    expect(reply?.subject).toContain(record.reference);
    expect(reply?.inReplyTo).toBe(internetMessageId);
    // Parentheses are percent-encoded in plain text so that link detection keeps the closing one.
    expect(reply?.text).toContain(encodeURIComponent(folderName).replace(/\(/g, '%28').replace(/\)/g, '%29'));
    expect(reply?.text).toMatch(/4 completed documents for a bronze/);
    expect(reply?.html).toMatch(/<html lang="en-GB"/);
    const original = inboxMessage(state, id);
    // Exchange files the Sent Items copy a while after the send (the tenant's sentItemsDelayMs).
    const filed = await vi.waitFor(async () => {
      const copy = ((await stack.env.control.state()).mailboxes[0]?.folders.sentitems ?? []).find((message) => message.subject === reply?.subject);
      if (!copy) throw new Error('the reply is not in Sent Items yet');
      return copy;
    }, { timeout: 10_000, interval: 200 });
    expect(filed.conversationId).toBe(original?.conversationId);

    expect(original?.categories).toEqual(['WEQS: application opened']);
    const cards = cardsTitled(state, /New application/);
    expect(cards).toHaveLength(1);
    expect(state.teams.every((post) => post.runStatus === 'Succeeded')).toBe(true);
  });

  it('opens the application for someone who is not a guest of the tenant, and shares the folder once staff make them one', async () => {
    const trust = pick((candidate) => candidate.name.endsWith(' NHS FOUNDATION TRUST'));
    const applicant = 'new.applicant@outsider.nhs.example';
    const { id, record } = await deliverAndWait(stack, { from: { name: 'Nia Newcomer', address: applicant }, subject: `Work Experience Quality Standard – ${trust.display}` });
    // Opened, not failed: folder, form, list item, reply, category.
    expect(record).toMatchObject({ outcome: 'provisioned', reference: expect.stringMatching(/^WEQS-2026-\d{4}$/) });
    const folderName = `${trust.display} (${trust.code})`;
    const shared = (state: EmulatorState) =>
      evidenceRoot(state).children.find((node) => node.name === folderName)?.permissions.filter((permission) => permission.grantedToV2?.user?.email === applicant) ?? [];
    let state = await stack.env.control.state();
    expect(evidenceRoot(state).children.find((node) => node.name === folderName)?.children.map((node) => node.name)).toContain('Application form.docx');
    expect(shared(state)).toEqual([]);
    expect(applicationRows(state)).toContainEqual(expect.objectContaining({ Reference: record.reference, Status: 'Open', RequesterEmail: applicant, FolderAccess: 'Pending' }));
    expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: application opened']);
    // The applicant is told plainly that access follows.
    const [reply, ...others] = mailTo(state, applicant);
    expect(others).toHaveLength(0);
    expect(reply?.text).toMatch(/You cannot open the folder yet/);
    expect(reply?.text).toContain(encodeURIComponent(folderName).replace(/\(/g, '%28').replace(/\)/g, '%29'));
    // Staff get one card, with the exact action and the folder's link.
    const cards = cardsTitled(state, new RegExp(`ods:${trust.code}`)).map((card) => JSON.stringify(card));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain('share the folder');
    // Read as staff see it: without the JSON and markdown escapes.
    expect(cards[0]?.replace(/\\+/g, '')).toContain(`share the folder "${folderName}" with ${applicant}`);
    expect(cards[0]).toContain(encodeURIComponent(folderName));

    // The access job retries: nothing changes while the person is not a guest.
    await stack.invokeTimer('folderAccess');
    state = await stack.env.control.state();
    expect(shared(state)).toEqual([]);
    expect(mailTo(state, applicant)).toHaveLength(1);

    // A staff member makes them a guest; the next run shares the folder and tells them, once.
    await stack.env.control.addGuest(applicant, 'Nia Newcomer');
    await stack.invokeTimer('folderAccess');
    await stack.invokeTimer('folderAccess');
    state = await stack.env.control.state();
    expect(shared(state).map((permission) => permission.roles)).toEqual([['write']]);
    expect(applicationRows(state)).toContainEqual(expect.objectContaining({ Reference: record.reference, FolderAccess: 'Granted' }));
    const told = mailTo(state, applicant).filter((message) => /You can now open your evidence folder/.test(message.subject));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain(encodeURIComponent(folderName).replace(/\(/g, '%28').replace(/\)/g, '%29'));
    expect(told[0]?.inReplyTo).toBeDefined();
    expect(mailTo(state, applicant)).toHaveLength(2);
  }, 90_000);

  it('accepts one application per organisation whatever way its name is written, from different people', async () => {
    const trust = pick((candidate) => candidate.name.includes("'") && candidate.name.includes(' AND ') && candidate.name.endsWith(' NHS FOUNDATION TRUST'));
    const first = await deliverAndWait(stack, { from: { name: 'Ann Lee', address: 'ann.lee@guys.nhs.example' }, subject: `Work Experience Quality Standard – ${trust.display}` });
    // As people type it: capitals, no apostrophes, abbreviations, '&', brackets, lower case.
    const variants = [
      `RE: work experience quality standard - ${trust.name.replace(/'/g, '').replace('NHS FOUNDATION TRUST', 'NHS FT')}`,
      `FW: Work Experience Quality Standard: [${trust.display.replace(/ and /g, ' & ')}]`,
      `Work Experience Quality Standard – ${trust.display.toLowerCase().replace('nhs foundation trust', 'nhsft')}`,
    ];
    const others = await Promise.all(variants.map((subject, index) => deliverAndWait(stack, { from: { name: `Person ${index}`, address: `person${index}@guys.nhs.example` }, subject })));
    expect(first.record.outcome).toBe('provisioned');
    expect(others.map((other) => other.record.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    const state = await stack.env.control.state();
    expect(applicationRows(state).filter((row) => row.OrganisationKey === first.record.organisationKey)).toHaveLength(1);
    expect(evidenceRoot(state).children.filter((node) => node.name.endsWith(`(${trust.code})`))).toHaveLength(1);
    // The others get a polite reply with no link to someone else's folder, and staff see both requesters.
    for (const index of [0, 1, 2]) {
      const [reply] = mailTo(state, `person${index}@guys.nhs.example`);
      expect(reply?.subject).toMatch(/already applied/);
      expect(reply?.text).not.toMatch(/sharepoint/i);
      expect(reply?.text).not.toContain(first.record.reference ?? 'no reference');
      expect(reply?.text).not.toContain('ann.lee@');
    }
    const duplicateCards = cardsTitled(state, /Second request/).map((card) => JSON.stringify(card));
    expect(duplicateCards).toHaveLength(3);
    expect(duplicateCards.every((card) => card.includes('ann.lee@guys.nhs.example'))).toBe(true);
  });

  it('does the work once however often a notification repeats', async () => {
    const trust = pick();
    const { id, internetMessageId } = await stack.env.control.deliver({ from: { address: 'sam@nottingham.nhs.example' }, subject: `Work Experience Quality Standard – ${trust.display}` });
    // The webhook ignores subscriptions this app does not hold: the repeats name the real one.
    const subscriptionId = (await stack.env.control.state()).subscriptions[0]?.id;
    const notification = JSON.stringify({
      value: [{ subscriptionId, clientState: stack.settings.WEQS_SUBSCRIPTION_CLIENT_STATE, changeType: 'created', resource: `Users/x/Messages/${id}`, resourceData: { id } }],
    });
    const posts = await Promise.all([1, 2, 3].map(() => fetch(`${stack.host.url}/api/notifications`, { method: 'POST', body: notification, headers: { 'content-type': 'application/json' } })));
    expect(posts.map((post) => post.status)).toEqual([202, 202, 202]);
    const record = await outcomeOf(stack, internetMessageId);
    await stack.invokeTimer('sweepInbox');
    // Every repeat (and anything the sweep queued) has been handled to the end before counting,
    // including repeats put off while the first held the email: they come back after the busy deferral.
    await inboundQueueDrained(stack);
    const state = await stack.env.control.state();
    expect(record.outcome).toBe('provisioned');
    expect(mailTo(state, 'sam@nottingham.nhs.example')).toHaveLength(1);
    expect(applicationRows(state).filter((row) => row.OrganisationKey === record.organisationKey)).toHaveLength(1);
    expect(cardsTitled(state, new RegExp(`ods:${trust.code}`))).toHaveLength(1);
  }, 60_000);

  it('rides out Graph throttling and outages, honouring Retry-After', async () => {
    await stack.env.control.addFaults([
      { method: 'GET', path: '/v1.0/users/*/messages/*', status: 429, retryAfterSeconds: 1, times: 2 },
      { method: 'POST', path: '/v1.0/$batch', status: 503, retryAfterSeconds: 1, times: 1 },
      { method: 'POST', path: '/v1.0/sites/*/lists/*/items', status: 429, retryAfterSeconds: 1, times: 1 },
      { method: 'POST', path: '/v1.0/users/*/messages/*/reply', status: 504, times: 1 },
    ]);
    const { record } = await deliverAndWait(stack, { from: { address: 'kim@sheffield.nhs.example' }, subject: `Work Experience Quality Standard – ${pick().display}` });
    await stack.env.control.clearFaults();
    const state = await stack.env.control.state();
    expect(record.outcome).toBe('provisioned');
    expect(mailTo(state, 'kim@sheffield.nhs.example')).toHaveLength(1);
    const log = (await stack.env.control.requests()).value;
    expect(log.filter((entry) => entry.status === 429 || entry.status === 503 || entry.status === 504).length).toBeGreaterThanOrEqual(4);
  });

  it('provisions nothing and sends no reply for a spoofed sender, and alerts staff', async () => {
    const trust = pick();
    const { id, record } = await deliverAndWait(stack, { from: { address: 'director@bradford.nhs.example' }, subject: `Work Experience Quality Standard – ${trust.display}`, authentication: 'fail' });
    const state = await stack.env.control.state();
    expect(record.outcome).toBe('untrusted-sender');
    expect(mailTo(state, 'director@bradford.nhs.example')).toHaveLength(0);
    expect(evidenceRoot(state).children.some((node) => node.name.endsWith(`(${trust.code})`))).toBe(false);
    expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: untrusted sender']);
    expect(cardsTitled(state, /could not be verified/).length).toBeGreaterThanOrEqual(1);
  });

  it('leaves mail that is not a request exactly as it was', async () => {
    const emails = [
      { from: { address: 'student@school.example' }, subject: 'Placement question for Monday' },
      { from: { address: 'noreply@trust.example' }, subject: 'Automatic reply: Work Experience Quality Standard – Northtown Community Hospice' },
      { from: { address: 'applicant@trust.example' }, subject: 'RE: Work Experience Quality Standard – Northtown Community Hospice (WEQS-2026-0001)' },
      { from: { address: 'someone@trust.example' }, subject: 'Work Experience Quality Standard – question about evidence', headers: [{ name: 'Auto-Submitted', value: 'auto-generated' }] },
    ];
    const before = await stack.env.control.state();
    const results = await Promise.all(emails.map((email) => deliverAndWait(stack, email)));
    const state = await stack.env.control.state();
    for (const { id, record } of results) {
      expect(record.outcome).toBe('not-a-request');
      const message = inboxMessage(state, id);
      expect(message?.categories).toEqual([]);
      expect(message?.isRead).toBe(false);
    }
    expect(state.outbound.length).toBe(before.outbound.length);
  });

  it('answers malformed and hostile subjects safely', async () => {
    const hostile = [
      { subject: 'Work Experience Quality Standard – <script>alert(1)</script> Hospice', folder: 'script alert(1) script Hospice' },
      { subject: 'Work Experience Quality Standard – ../../etc/passwd Care', folder: '.. .. etc passwd Care' },
      { subject: `Work Experience Quality Standard – ${'Very Long Community Interest Company '.repeat(4).trim()}`, folder: undefined },
      { subject: 'Work Experience Quality Standard – Ysbyty Cymuned Dyffryn Ŵy – gofal ŷ', folder: undefined },
      { subject: 'Work Experience Quality Standard – 社区诊所 Northtown', folder: undefined },
    ];
    const results = await Promise.all(hostile.map((item, index) => deliverAndWait(stack, { from: { address: `hostile${index}@example.org` }, subject: item.subject })));
    const state = await stack.env.control.state();
    for (const [index, { record }] of results.entries()) {
      expect(['provisioned', 'needs-identifying']).toContain(record.outcome);
      const [reply] = mailTo(state, `hostile${index}@example.org`);
      expect(reply?.html).not.toContain('<script>');
    }
    const names = evidenceRoot(state).children.map((node) => node.name);
    // Cleaned up, so the folder carries the application's reference and can collide with no other name.
    expect(names.some((name) => /^script alert\(1\) script Hospice WEQS-2026-\d{4}$/.test(name))).toBe(true);
    expect(names.every((name) => !/["*:<>?/\\|]/.test(name))).toBe(true);

    const empty = await Promise.all(['Work Experience Quality Standard', 'Work Experience Quality Standard – [health organisation name]', '', 'Work Experience Quality Standard – ???'].map((subject, index) => deliverAndWait(stack, { from: { address: `format${index}@example.org` }, subject })));
    expect(empty.map(({ record }) => record.outcome)).toEqual(['invalid-request', 'invalid-request', 'not-a-request', 'invalid-request']);
    const after = await stack.env.control.state();
    expect(mailTo(after, 'format0@example.org')[0]?.text).toMatch(/Work Experience Quality Standard – /);
    expect(mailTo(after, 'format2@example.org')).toHaveLength(0);
  });

  it('asks for the ODS code when a name is shared by several practices, and alerts staff', async () => {
    const { id, record } = await deliverAndWait(stack, { from: { address: 'manager@practice.nhs.example' }, subject: 'Work Experience Quality Standard – The Surgery' });
    const [practice] = gpPracticesNamed('THE SURGERY');
    const state = await stack.env.control.state();
    expect(record.outcome).toBe('needs-identifying');
    expect(mailTo(state, 'manager@practice.nhs.example')[0]?.text).toMatch(/ODS code/);
    expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: needs identifying']);
    expect(cardsTitled(state, /needs identifying/).length).toBeGreaterThanOrEqual(1);
    // With the practice's code the same request goes through.
    const resent = await deliverAndWait(stack, { from: { address: 'manager@practice.nhs.example' }, subject: `Work Experience Quality Standard – The Surgery (${practice?.code ?? ''})` });
    expect(resent.record).toMatchObject({ outcome: 'provisioned', organisationKey: `ods:${practice?.code ?? ''}` });
  });

  it('recovers an email whose notification was lost, through the inbox sweep (real grace period)', async () => {
    await stack.env.control.call('POST', '/_emulator/notifications/drop', { count: 1 });
    // Received longer ago than the sweep's grace period (a minute): Graph's clock is set back for it.
    const back = (defaultSweepGraceSeconds + 10) * 1000;
    await stack.env.control.call('POST', '/_emulator/clock', { advanceMs: -back });
    const { id, internetMessageId } = await stack.env.control.deliver({ from: { address: 'lost@york.nhs.example' }, subject: `Work Experience Quality Standard – ${pick().display}` }).finally(() => stack.env.control.call('POST', '/_emulator/clock', { advanceMs: back }));
    // Under the refused-subscription reading (WEQS_EMULATOR_READINGS=alternative) the stack sweeps on
    // every delivery, so there is no moment without the sweep to look at.
    if (emulatorReadings() === 'default') {
      // Graph dropped the only notification about it and the host has nothing queued: without the sweep nothing happens.
      await inboundQueueDrained(stack);
      const untold = await stack.env.control.state();
      expect(notificationsAbout(untold, id).map((entry) => entry.status)).toEqual(['dropped']);
      expect(mailTo(untold, 'lost@york.nhs.example')).toHaveLength(0);
    }
    await stack.invokeTimer('sweepInbox');
    const record = await outcomeOf(stack, internetMessageId);
    expect(record.outcome).toBe('provisioned');
  }, 60_000);

  it('stays within the permissions infra grants: Sites.Selected on one site and mail roles on the one inbox', async () => {
    // The app registration is exactly what infra/README.md asks an administrator to grant...
    const app = stack.env.tenant.applications[0];
    expect(app?.roles).toEqual(['Sites.Selected']);
    expect(Object.keys(app?.mailboxRoles ?? {})).toEqual([stack.settings.WEQS_INBOX_ADDRESS]);
    expect(app?.siteRoles).toEqual({ '/sites/WorkExperience': 'fullcontrol' });
    // ...and everything above ran on it without a single authentication or authorisation failure.
    const log = (await stack.env.control.requests()).value;
    expect(log.length).toBeGreaterThan(50);
    // Under the alternative readings Graph refuses the inbox subscription and a new guest's invite
    // with 403 by design; nothing else may be refused.
    const refusedByReading = (method: string, path: string): boolean =>
      emulatorReadings() === 'alternative' && ((method === 'POST' && path === '/v1.0/subscriptions') || (method === 'POST' && path.endsWith('/invite')));
    expect(log.filter((entry) => (entry.status === 401 || entry.status === 403) && !refusedByReading(entry.method, entry.path))).toEqual([]);
    expect(log.flatMap((entry) => entry.batch ?? []).filter((step) => (step.status === 401 || step.status === 403) && !refusedByReading(step.method, step.url))).toEqual([]);
    expect(log.filter((entry) => entry.path.startsWith('/v1.0/users/')).every((entry) => entry.path.startsWith(`/v1.0/users/${encodeURIComponent(stack.settings.WEQS_INBOX_ADDRESS ?? '')}`))).toBe(true);
  });

  it('wrote no date in any email or card that is not in the calendar under test (the example calendar)', async () => {
    const state = await stack.env.control.state();
    const { rows } = parseReviewCalendarFile(JSON.parse(await readFile(exampleCalendarFile, 'utf8')) as unknown);
    const allowed = new Set([...calendarDates(rows as Record<string, unknown>[]), ...applicationDates(applicationRows(state))]);
    expect(state.outbound.length).toBeGreaterThan(10);
    expect(inventedDates(state, allowed)).toEqual([]);
    const forms = await applicationForms(stack);
    expect(forms.length).toBeGreaterThan(0);
    expect(forms.flatMap((form) => inventedDatesInForm(form.name, form.docx, form.createdAt, allowed))).toEqual([]);
    // The check read dates (the forms' own issue dates at least): it did not pass by finding none.
    expect(datesFound(state, forms.map((form) => form.docx))).toBeGreaterThan(0);
  });
});
