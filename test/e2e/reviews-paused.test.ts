import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import type { Runtime } from '../../src/runtime.js';
import { runReviewJob } from '../../src/workflows/review/review-jobs.js';
import { readFile } from 'node:fs/promises';
import { parseReviewCalendarFile } from '../../src/domain/review-calendar-file.js';
import { applicationDates, calendarDates, datesFound, inventedDates, inventedDatesInForm } from '../support/calendar-dates.js';
import { odata } from '../../src/graph/odata-filter.js';
import { applicationForms, applicationRows, cardsTitled, deliverAndWait, evidenceRoot, mailTo, outcomeOf, subscribeAsWeqs } from '../support/pipeline.js';
import { realCalendarFile, startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/**
 * The real calendar (config/review-calendar.json): the standard is paused from January 2026 and no
 * later cycle is published. Requests are still recorded, answered and given a folder; reviews
 * resume when staff publish a cycle.
 */
describe('when no review cycle is published (the real calendar)', () => {
  let stack: Stack;
  let runtime: Runtime;
  /** A cycle staff publish later in the test (EXAMPLE ONLY: nobody published it). */
  const publishedLater = { id: 'next-c1', name: 'Summer 2027', submissionDeadline: '2027-06-21', reviewStart: '2027-07-05', reviewEnd: '2027-08-27', decisionsOpen: '2027-08-31', decisionsClose: '2027-09-14' };
  const pausedWording = 'Reviews are paused while the framework is refreshed. We will write to you when new dates are published.';

  beforeAll(async () => {
    const settings = { WEQS_REVIEWS_PAUSED_MESSAGE: pausedWording, WEQS_CALENDAR_CACHE_SECONDS: '0' };
    stack = await startStack({ directory: 'none', calendarFile: realCalendarFile, settings });
    runtime = createRuntime(loadConfig({ ...stack.settings, ...settings, WEQS_LOG_LEVEL: 'silent' }));
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('records the request, opens its folder and answers that reviews are paused, without a target cycle or reminders', async () => {
    const { record } = await deliverAndWait(stack, { from: { address: 'lead@waiting.nhs.example' }, subject: 'Work Experience Quality Standard – Waiting Community Care' });
    expect(record.outcome).toBe('provisioned');
    const state = await stack.env.control.state();
    const folder = evidenceRoot(state).children.find((node) => node.name.startsWith('Waiting Community Care'));
    expect(folder?.children.map((node) => node.name)).toContain('Application form.docx');
    // No date appears in the acknowledgement: none is published.
    expect(mailTo(state, 'lead@waiting.nhs.example')[0]?.text).not.toMatch(/\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/);
    expect(applicationRows(state).find((row) => row.Reference === record.reference)?.TargetCycle ?? null).toBeNull();
    expect(mailTo(state, 'lead@waiting.nhs.example')[0]?.text).toContain('Reviews are paused while the framework is refreshed.');
    const reminders = await runReviewJob('reminders', runtime.review, { now: new Date(), dryRun: false });
    expect(reminders).toEqual([]);
  });

  it('tells waiting applicants, and staff, once a new cycle is published', async () => {
    await runtime.calendarList.importCycles([publishedLater]);
    await runReviewJob('calendar', runtime.review, { now: new Date(), dryRun: false });
    await runReviewJob('calendar', runtime.review, { now: new Date(), dryRun: false });
    const state = await stack.env.control.state();
    expect(applicationRows(state).find((row) => row.RequesterEmail === 'lead@waiting.nhs.example')?.TargetCycle).toBe('next-c1');
    const told = mailTo(state, 'lead@waiting.nhs.example').filter((mail) => /Review dates published/.test(mail.subject));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toMatch(/21 June 2027/);
    expect(cardsTitled(state, /Summer 2027/).length).toBe(1);
  });

  it('once that cycle has passed with no later one, answers an award holder writing again that reviews are paused', async () => {
    // Staff review the application in Summer 2027 and award it; the decision goes inside the window.
    const decidedAt = new Date('2027-09-01T11:00:00Z');
    await stack.env.control.call('POST', '/_emulator/clock', { set: decidedAt.toISOString() });
    const waiting = (await runtime.applicationsList.query(odata`fields/TargetCycle eq ${publishedLater.id}`)).find((item) => item.fields.RequesterEmail === 'lead@waiting.nhs.example');
    await runtime.applicationsList.update(waiting?.id ?? '', { Status: 'In review', Award: 'Gold', DecisionReady: true });
    await runReviewJob('decisions', runtime.review, { now: decidedAt, dryRun: false });
    expect(mailTo(await stack.env.control.state(), 'lead@waiting.nhs.example').filter((mail) => /^Decision on your application/.test(mail.subject))).toHaveLength(1);
    // A month later no cycle is to come, and the organisation writes again; Graph notifies weqs.
    const writesAgain = new Date('2027-10-01T11:00:00Z');
    await stack.env.control.call('POST', '/_emulator/clock', { set: writesAgain.toISOString() });
    await subscribeAsWeqs(stack, writesAgain);
    const { internetMessageId } = await stack.env.control.deliver({ from: { address: 'lead@waiting.nhs.example' }, subject: 'Work Experience Quality Standard – Waiting Community Care' });
    expect((await outcomeOf(stack, internetMessageId)).outcome).toBe('award-current');
    const answer = mailTo(await stack.env.control.state(), 'lead@waiting.nhs.example').find((mail) => /already holds an award/.test(mail.subject));
    const text = answer?.text?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain(pausedWording);
    expect(text).not.toMatch(/next review cycle|next submission deadline/);
  });

  it('wrote no date in any email or card that is not in the calendar under test (the real one, and the cycle staff published)', async () => {
    const state = await stack.env.control.state();
    const real = parseReviewCalendarFile(JSON.parse(await readFile(realCalendarFile, 'utf8')) as unknown);
    const allowed = new Set([...calendarDates([...(real.rows as Record<string, unknown>[]), publishedLater]), ...applicationDates(applicationRows(state))]);
    expect(state.outbound.length).toBeGreaterThan(0);
    expect(inventedDates(state, allowed)).toEqual([]);
    const forms = await applicationForms(stack);
    expect(forms.length).toBeGreaterThan(0);
    expect(forms.flatMap((form) => inventedDatesInForm(form.name, form.docx, form.createdAt, allowed))).toEqual([]);
    // The check read dates (the forms' own issue dates at least): it did not pass by finding none.
    expect(datesFound(state, forms.map((form) => form.docx))).toBeGreaterThan(0);
  });
});
