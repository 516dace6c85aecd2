import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deadlineReminderId,
  describeDaysLeft,
  describeMovedDeadline,
  dueDeadlineReminders,
  dueExpiryReminders,
  dueReminders,
  expiryReminderId,
  normaliseOffsets,
  reminderDates,
  reminderOffsetsSchema,
  type ReminderApplication,
} from '../../../src/domain/reminder-schedule.js';
import { addUkDays, ukStartOfDay } from '../../../src/domain/uk-dates.js';
import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import type { ReviewCalendar } from '../../../src/domain/review-calendar.js';

function calendarOf(...rows: Record<string, unknown>[]): ReviewCalendar {
  const { cycles, rejected } = parseReviewCalendar(rows);
  expect(rejected).toEqual([]);
  return cycles;
}

function row(id: string, deadline: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    submissionDeadline: deadline,
    reviewStart: addUkDays(deadline, 14),
    reviewEnd: addUkDays(deadline, 70),
    decisionsOpen: addUkDays(deadline, 71),
    decisionsClose: addUkDays(deadline, 85),
    ...overrides,
  };
}

const january = calendarOf(row('2026-27-c1', '2027-01-18', { name: '2026/27 Cycle 1' }), row('2026-27-c2', '2027-05-18'));

export const openApplication: ReminderApplication = { ref: 'WEQS-0001', targetCycleId: '2026-27-c1', status: 'open', optedOut: false };

const at = (iso: string) => new Date(iso);
/** The first millisecond of a UK day. */
const startOf = (date: string) => ukStartOfDay(date);

describe('deadline reminders', () => {
  it('schedules the default reminders 28, 14, 7 and 1 days before the deadline day', () => {
    expect(reminderDates('2027-01-18', [28, 14, 7, 1])).toEqual([
      { offsetDays: 28, dueOn: '2026-12-21' },
      { offsetDays: 14, dueOn: '2027-01-04' },
      { offsetDays: 7, dueOn: '2027-01-11' },
      { offsetDays: 1, dueOn: '2027-01-17' },
    ]);
  });

  it('sends nothing before the first reminder day', () => {
    expect(dueDeadlineReminders({ now: at('2026-12-20T23:59:59.999Z'), calendar: january, applications: [openApplication] }).due).toEqual([]);
  });

  it('sends the 28-day reminder from UK midnight on its day', () => {
    const { due, skipped } = dueDeadlineReminders({ now: startOf('2026-12-21'), calendar: january, applications: [openApplication] });
    expect(skipped).toEqual([]);
    expect(due).toEqual([
      {
        kind: 'deadline',
        id: 'deadline|WEQS-0001|2026-27-c1|2027-01-18|28d',
        applicationRef: 'WEQS-0001',
        cycleId: '2026-27-c1',
        cycleName: '2026/27 Cycle 1',
        deadlineDate: '2027-01-18',
        deadlineAt: at('2027-01-18T23:59:59.999Z'),
        offsetDays: 28,
        dueOn: '2026-12-21',
        late: false,
        daysLeft: 28,
      },
    ]);
  });

  it('starts a reminder day in BST at 23:00 UTC the evening before', () => {
    const may = { ...openApplication, targetCycleId: '2026-27-c2' };
    expect(dueDeadlineReminders({ now: at('2027-04-19T22:59:59.999Z'), calendar: january, applications: [may] }).due).toEqual([]);
    expect(dueDeadlineReminders({ now: at('2027-04-19T23:00:00.000Z'), calendar: january, applications: [may] }).due).toMatchObject([
      { offsetDays: 28, dueOn: '2027-04-20' },
    ]);
  });

  it('puts the 1-day reminder on the clock-change Sunday for a Monday deadline', () => {
    const calendar = calendarOf(row('spring', '2027-03-29'));
    const application = { ...openApplication, targetCycleId: 'spring' };
    expect(dueDeadlineReminders({ now: at('2027-03-27T23:59:59.999Z'), calendar, applications: [application], alreadySent: new Set(['deadline|WEQS-0001|spring|2027-03-29|7d']) }).due).toEqual([]);
    expect(dueDeadlineReminders({ now: at('2027-03-28T00:00:00.000Z'), calendar, applications: [application] }).due).toMatchObject([
      { offsetDays: 1, dueOn: '2027-03-28', daysLeft: 1 },
    ]);
  });

  it('never repeats a reminder already sent for the same deadline', () => {
    const alreadySent = new Set([deadlineReminderId('WEQS-0001', '2026-27-c1', '2027-01-18', 28)]);
    expect(dueDeadlineReminders({ now: at('2026-12-22T09:00:00Z'), calendar: january, applications: [openApplication], alreadySent }).due).toEqual([]);
  });

  it('after an outage sends only the most recent missed reminder, marked late with the real days left', () => {
    const { due } = dueDeadlineReminders({ now: at('2027-01-12T09:00:00Z'), calendar: january, applications: [openApplication] });
    expect(due).toMatchObject([{ offsetDays: 7, dueOn: '2027-01-11', late: true, daysLeft: 6 }]);
  });

  it('still sends a missed reminder later when no smaller offset is due yet', () => {
    const { due } = dueDeadlineReminders({ now: at('2026-12-29T09:00:00Z'), calendar: january, applications: [openApplication] });
    expect(due).toMatchObject([{ offsetDays: 28, late: true, daysLeft: 20 }]);
  });

  it('sends a missed reminder up to the end of the deadline day and never after', () => {
    const last = dueDeadlineReminders({ now: at('2027-01-18T23:59:59.999Z'), calendar: january, applications: [openApplication] }).due;
    expect(last).toMatchObject([{ offsetDays: 1, daysLeft: 0 }]);
    expect(dueDeadlineReminders({ now: at('2027-01-19T00:00:00.000Z'), calendar: january, applications: [openApplication] }).due).toEqual([]);
  });

  it('leaves out applicants who opted out and applications not gathering evidence', () => {
    const applications = [
      { ...openApplication, ref: 'A', optedOut: true },
      { ...openApplication, ref: 'B', status: 'in-review' },
      { ...openApplication, ref: 'C', status: 'withdrawn' },
      { ...openApplication, ref: 'D', status: 'rolled-over' },
    ];
    expect(dueDeadlineReminders({ now: at('2027-01-12T09:00:00Z'), calendar: january, applications }).due.map((r) => r.applicationRef)).toEqual(['D']);
  });

  it('uses the open statuses it is given', () => {
    const applications = [{ ...openApplication, status: 'AwaitingEvidence' }];
    const options = { openStatuses: ['AwaitingEvidence'] };
    expect(dueDeadlineReminders({ now: at('2027-01-12T09:00:00Z'), calendar: january, applications, options }).due).toHaveLength(1);
  });

  it('reports an application whose cycle is missing or not published, so staff can fix it', () => {
    const calendar = calendarOf(row('2026-27-c1', '2027-01-18'), row('draft', '2027-05-18', { status: 'draft' }));
    const { due, skipped } = dueDeadlineReminders({
      now: at('2027-01-12T09:00:00Z'),
      calendar,
      applications: [
        { ...openApplication, ref: 'X', targetCycleId: 'gone' },
        { ...openApplication, ref: 'Y', targetCycleId: 'draft' },
      ],
    });
    expect(due).toEqual([]);
    expect(skipped).toEqual([
      { applicationRef: 'X', reason: 'unknown-cycle', message: "Application X targets cycle 'gone', which is not in the review calendar, so no deadline reminder can be sent." },
      { applicationRef: 'Y', reason: 'cycle-not-published', message: "Application Y targets cycle 'draft', which is draft, so no deadline reminder can be sent." },
    ]);
  });

  it('passes over an application waiting for a cycle (reviews paused) without reporting it', () => {
    const waiting = { ...openApplication, ref: 'W', targetCycleId: '' };
    const { due, skipped } = dueDeadlineReminders({ now: at('2027-01-12T09:00:00Z'), calendar: january, applications: [waiting] });
    expect(due).toEqual([]);
    expect(skipped).toEqual([]);
  });

  it('gives a moved deadline new reminder ids and says where it moved from', () => {
    const sentForOldDate = new Set([28, 14, 7].map((offset) => deadlineReminderId('WEQS-0001', '2026-27-c1', '2027-01-18', offset)));
    const moved = calendarOf(row('2026-27-c1', '2027-02-01', { extendedFrom: '2027-01-18' }));
    const { due } = dueDeadlineReminders({ now: at('2027-01-12T09:00:00Z'), calendar: moved, applications: [openApplication], alreadySent: sentForOldDate });
    expect(due).toMatchObject([{ id: 'deadline|WEQS-0001|2026-27-c1|2027-02-01|28d', offsetDays: 28, daysLeft: 20, extendedFrom: '2027-01-18' }]);
    const [reminder] = due;
    if (!reminder) throw new Error('expected a reminder');
    expect(describeMovedDeadline(reminder)).toBe('The submission deadline has moved from Monday 18 January 2027 to Monday 1 February 2027.');
  });

  it('does not repeat a new-date reminder once sent for the moved deadline', () => {
    const moved = calendarOf(row('2026-27-c1', '2027-02-01', { extendedFrom: '2027-01-18' }));
    const alreadySent = new Set([deadlineReminderId('WEQS-0001', '2026-27-c1', '2027-02-01', 28)]);
    expect(dueDeadlineReminders({ now: at('2027-01-13T09:00:00Z'), calendar: moved, applications: [openApplication], alreadySent }).due).toEqual([]);
  });

  it('accepts configured offsets in any order, dropping duplicates', () => {
    expect(normaliseOffsets([3, 10, 10, 0])).toEqual([10, 3, 0]);
    expect(reminderOffsetsSchema.parse([7, 21])).toEqual([21, 7]);
    expect(reminderOffsetsSchema.safeParse([-1]).success).toBe(false);
    expect(reminderOffsetsSchema.safeParse([]).success).toBe(false);
    const options = { deadlineOffsets: [3] };
    expect(dueDeadlineReminders({ now: startOf('2027-01-15'), calendar: january, applications: [openApplication], options }).due).toMatchObject([{ offsetDays: 3 }]);
  });

  it('words the days left for a subject line', () => {
    expect([0, 1, 7].map(describeDaysLeft)).toEqual(['today', 'tomorrow', 'in 7 days']);
  });

  it('sends each offset at most once, newest first, whatever days the timer misses', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 45, maxLength: 45 }), (timerRan) => {
        const sent = new Set<string>();
        const offsetsSent: number[] = [];
        timerRan.forEach((ran, i) => {
          if (!ran) return;
          const day = addUkDays('2026-12-10', i);
          const { due } = dueDeadlineReminders({ now: new Date(startOf(day).getTime() + 9 * 3_600_000), calendar: january, applications: [openApplication], alreadySent: sent });
          expect(due.length).toBeLessThanOrEqual(1);
          for (const reminder of due) {
            expect(reminder.dueOn <= day && day <= reminder.deadlineDate).toBe(true);
            sent.add(reminder.id);
            offsetsSent.push(reminder.offsetDays);
          }
        });
        expect(new Set(offsetsSent).size).toBe(offsetsSent.length);
        expect(offsetsSent).toEqual([...offsetsSent].sort((a, b) => b - a));
      }),
    );
  });

  it('gives different reminder ids to different (application, cycle, deadline, offset) tuples', () => {
    const tuple = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }).map((s) => s.toLowerCase()), fc.constantFrom('2027-01-18', '2027-02-01'), fc.nat(60));
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        const same = a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
        expect(deadlineReminderId(...a) === deadlineReminderId(...b)).toBe(same);
        expect(deadlineReminderId(...a)).not.toMatch(/[/\\#?]/);
      }),
    );
  });
});

describe('award expiry reminders', () => {
  const awarded: ReminderApplication = {
    ref: 'WEQS-0007',
    targetCycleId: '2023-24-c1',
    status: 'awarded',
    optedOut: false,
    awardExpiresOn: '2027-04-10',
    awardLevel: 'silver',
    organisationKey: 'acme',
  };

  it('sends the 90-day reminder from its day', () => {
    expect(dueExpiryReminders({ now: at('2027-01-09T12:00:00Z'), calendar: [], applications: [awarded] })).toEqual([]);
    expect(dueExpiryReminders({ now: at('2027-01-10T12:00:00Z'), calendar: [], applications: [awarded] })).toEqual([
      {
        kind: 'award-expiry',
        id: 'expiry|WEQS-0007|2027-04-10|90d',
        applicationRef: 'WEQS-0007',
        awardExpiresOn: '2027-04-10',
        awardLevel: 'silver',
        offsetDays: 90,
        dueOn: '2027-01-10',
        late: false,
        daysLeft: 90,
      },
    ]);
  });

  it('sends the 30-day reminder once the 90-day one has gone, and nothing after expiry', () => {
    const alreadySent = new Set([expiryReminderId('WEQS-0007', '2027-04-10', 90)]);
    expect(dueExpiryReminders({ now: at('2027-03-11T12:00:00Z'), calendar: [], applications: [awarded], alreadySent })).toMatchObject([{ offsetDays: 30 }]);
    expect(dueExpiryReminders({ now: at('2027-04-10T22:59:59.999Z'), calendar: [], applications: [awarded], alreadySent })).toMatchObject([
      { offsetDays: 30, late: true, daysLeft: 0 },
    ]);
    expect(dueExpiryReminders({ now: at('2027-04-10T23:00:00.000Z'), calendar: [], applications: [awarded] })).toEqual([]);
  });

  it('holds the reminder back when the organisation has already re-applied or holds a later award', () => {
    const now = at('2027-03-11T12:00:00Z');
    const renewal = { ref: 'WEQS-0100', targetCycleId: '2026-27-c2', status: 'open', optedOut: false, organisationKey: 'acme' };
    expect(dueExpiryReminders({ now, calendar: [], applications: [awarded, renewal] })).toEqual([]);
    const later = { ...awarded, ref: 'WEQS-0200', awardExpiresOn: '2029-03-01' };
    expect(dueExpiryReminders({ now, calendar: [], applications: [awarded, later] })).toEqual([]);
    const otherOrganisation = { ...renewal, organisationKey: 'other' };
    expect(dueExpiryReminders({ now, calendar: [], applications: [awarded, otherOrganisation] })).toHaveLength(1);
  });

  it('leaves out organisations that opted out', () => {
    expect(dueExpiryReminders({ now: at('2027-03-11T12:00:00Z'), calendar: [], applications: [{ ...awarded, optedOut: true }] })).toEqual([]);
  });

  it('returns deadline and expiry reminders together', () => {
    const result = dueReminders({ now: at('2027-01-12T09:00:00Z'), calendar: january, applications: [openApplication, awarded] });
    expect(result.deadline.map((r) => r.applicationRef)).toEqual(['WEQS-0001']);
    expect(result.expiry.map((r) => r.applicationRef)).toEqual(['WEQS-0007']);
    expect(result.skipped).toEqual([]);
  });
});
