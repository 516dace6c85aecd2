/**
 * The review calendar as a file, for seeding the SharePoint list (`weqs calendar import`) and for
 * tests and the local demo. Two shapes are accepted:
 *
 * - a plain array of cycle rows (an example or test calendar), or
 * - `{ "cycles": [...], "standard": {...} }`, as `config/review-calendar.json` ships: the cycles
 *   the standard's owners published, and what they have said about the standard's current state
 *   (such as a pause) that no cycle row can carry because no dates were published with it.
 *
 * The rows themselves are validated by `parseReviewCalendar`, as the list's rows are.
 */
import { z } from 'zod';

const standardStateSchema = z.strictObject({
  /** `paused`: no further cycles are planned; `open`: cycles are published as they are set. */
  state: z.enum(['open', 'paused'], { error: 'standard.state must be "open" or "paused".' }),
  /** The month the state began, `YYYY-MM`. */
  since: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'standard.since must be a month written YYYY-MM.' }).optional(),
  /** Plain-English summary for staff: what was announced, and what was not (e.g. no dates). */
  summary: z.string().trim().min(10).max(1000),
  /** Where it was announced, in words staff can follow. */
  source: z.string().trim().min(5).max(500),
});

export type StandardState = z.infer<typeof standardStateSchema>;

const calendarFileSchema = z.union([
  z.array(z.unknown()),
  z.strictObject({
    $comment: z.string().optional(),
    standard: standardStateSchema.optional(),
    cycles: z.array(z.unknown()),
  }),
]);

export interface ReviewCalendarFile {
  /** Cycle rows, unvalidated (see `parseReviewCalendar`). */
  rows: unknown[];
  standard?: StandardState;
}

/** Reads either file shape; throws an Error naming what is wrong. */
export function parseReviewCalendarFile(json: unknown): ReviewCalendarFile {
  const result = calendarFileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => issue.message).join(' ');
    throw new Error(`The calendar file must be a list of cycles or an object with "cycles" (and optionally "standard"): ${problems}`);
  }
  const file = result.data;
  if (Array.isArray(file)) return { rows: file };
  return { rows: file.cycles, ...(file.standard ? { standard: file.standard } : {}) };
}

/** One line for staff, e.g. "The standard is paused (since January 2026): ...". */
export function describeStandardState(standard: StandardState): string {
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const since = standard.since ? ` (since ${months[Number(standard.since.slice(5, 7)) - 1] ?? ''} ${standard.since.slice(0, 4)})` : '';
  return `The standard is ${standard.state}${since}: ${standard.summary} Source: ${standard.source}`;
}
