import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import type { Runtime } from '../../src/runtime.js';
import { runReviewJob } from '../../src/workflows/review/review-jobs.js';
import { applicationRows, cardsTitled, deliverAndWait, mailTo } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/** The standard has been paused before: requests are still recorded and answered, and resume later. */
describe('when no review cycle is published', () => {
  let stack: Stack;
  let runtime: Runtime;
  const pausedWording = 'Reviews are paused while the framework is refreshed. We will write to you when new dates are published.';

  beforeAll(async () => {
    const folder = await mkdtemp(join(tmpdir(), 'weqs-calendar-'));
    const calendarFile = join(folder, 'calendar.json');
    await writeFile(calendarFile, JSON.stringify([{ id: 'past-c1', name: 'Spring 2024', submissionDeadline: '2024-05-20', reviewStart: '2024-06-03', reviewEnd: '2024-07-26', decisionsOpen: '2024-07-29', decisionsClose: '2024-08-09' }]));
    const settings = { WEQS_REVIEWS_PAUSED_MESSAGE: pausedWording, WEQS_CALENDAR_CACHE_SECONDS: '0' };
    stack = await startStack({ directory: 'none', calendarFile, settings });
    runtime = createRuntime(loadConfig({ ...stack.settings, ...settings, WEQS_LOG_LEVEL: 'silent' }));
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('records the request and answers with the staff wording, without a target cycle or reminders', async () => {
    const { record } = await deliverAndWait(stack, { from: { address: 'lead@waiting.nhs.example' }, subject: 'Work Experience Quality Standard – Waiting Community Care' });
    expect(record.outcome).toBe('provisioned');
    const state = await stack.env.control.state();
    expect(applicationRows(state).find((row) => row.Reference === record.reference)?.TargetCycle ?? null).toBeNull();
    expect(mailTo(state, 'lead@waiting.nhs.example')[0]?.text).toContain('Reviews are paused while the framework is refreshed.');
    const reminders = await runReviewJob('reminders', runtime.review, { now: new Date(), dryRun: false });
    expect(reminders).toEqual([]);
  });

  it('tells waiting applicants, and staff, once a new cycle is published', async () => {
    await runtime.calendarList.importCycles([{ id: 'next-c1', name: 'Summer 2027', submissionDeadline: '2027-06-21', reviewStart: '2027-07-05', reviewEnd: '2027-08-27', decisionsOpen: '2027-08-31', decisionsClose: '2027-09-14' }]);
    await runReviewJob('calendar', runtime.review, { now: new Date(), dryRun: false });
    await runReviewJob('calendar', runtime.review, { now: new Date(), dryRun: false });
    const state = await stack.env.control.state();
    expect(applicationRows(state).find((row) => row.RequesterEmail === 'lead@waiting.nhs.example')?.TargetCycle).toBe('next-c1');
    const told = mailTo(state, 'lead@waiting.nhs.example').filter((mail) => /Review dates published/.test(mail.subject));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toMatch(/21 June 2027/);
    expect(cardsTitled(state, /Summer 2027/).length).toBe(1);
  });
});
