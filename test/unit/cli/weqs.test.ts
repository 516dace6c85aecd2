import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/weqs.js';
import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import type { Runtime } from '../../../src/runtime.js';
import type { ReviewDependencies } from '../../../src/workflows/review/review-dependencies.js';

/** Only what the calendar commands and jobs touch; anything else fails the test loudly. */
function fakeRuntime(rows: unknown[]): Runtime {
  const review = {
    calendar: () => Promise.resolve(parseReviewCalendar(rows)),
    applications: {
      withStatus: () => Promise.resolve([]),
      targeting: () => Promise.resolve([]),
      withFolderAccessPending: () => Promise.resolve([]),
      setStatus: () => Promise.reject(new Error('a dry run changed the list')),
      setTargetCycle: () => Promise.reject(new Error('a dry run changed the list')),
    },
    intents: { done: () => Promise.resolve(false), once: () => Promise.reject(new Error('a dry run recorded an intent')) },
    staff: { post: () => Promise.reject(new Error('a dry run posted a card')) },
    state: { get: () => Promise.resolve(undefined), set: () => Promise.reject(new Error('a dry run recorded the calendar as seen')) },
    settings: { inboxAddress: 'we@nhs.example', listUrl: () => Promise.resolve(''), calendarUrl: () => Promise.resolve(''), deadlineReminderOffsets: [28], expiryReminderOffsets: [90] },
  } as unknown as ReviewDependencies;
  return { review } as unknown as Runtime;
}

describe('weqs CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  const output = (): string[] => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    return lines;
  };

  it('previews the calendar job with --as-of and --dry-run, as help lists it', async () => {
    const lines = output();
    const code = await main(['calendar', '--as-of', '2027-05-10', '--dry-run'], () => fakeRuntime([]));
    expect(lines.join('\n')).not.toContain('Usage');
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^calendar as of 2027-05-10T\d\d:00:00.000Z \(dry run: nothing sent or changed\): \d+ actions?$/);
  });

  it('says "1 cycle" and warns about a deadline on a bank holiday in calendar show', async () => {
    const lines = output();
    const rows = [{ id: 'c1', name: 'Funeral day cycle', submissionDeadline: '2022-09-19', decisionsOpen: '2022-11-14', decisionsClose: '2022-11-28' }];
    expect(await main(['calendar', 'show', '--as-of', '2022-09-01'], () => fakeRuntime(rows))).toBe(0);
    expect(lines[0]).toBe('Review calendar as of Thursday 1 September 2022: 1 cycle.');
    expect(lines.join('\n')).toContain('Check Funeral day cycle (c1): The submission deadline (Monday 19 September 2022) is a bank holiday in England and Wales');
  });
});
