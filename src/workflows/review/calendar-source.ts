import { parseReviewCalendar } from '../../domain/review-calendar-rows.js';
import type { ParsedReviewCalendar } from '../../domain/review-calendar-rows.js';
import { logger } from '../../logging.js';

/**
 * The review calendar, read from the list staff edit and validated, kept for a few minutes so a
 * burst of emails does not read it each time. Invalid rows are left out (and logged here; the
 * calendar watcher tells staff).
 */
export class CalendarSource {
  private cached?: { at: number; calendar: ParsedReviewCalendar };

  constructor(
    private readonly rows: () => Promise<Record<string, unknown>[]>,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async get(): Promise<ParsedReviewCalendar> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.calendar;
    const calendar = parseReviewCalendar(await this.rows());
    for (const rejected of calendar.rejected) logger().warn({ row: rejected.label, reasons: rejected.reasons }, 'ignored an invalid review calendar row');
    this.cached = { at: Date.now(), calendar };
    return calendar;
  }
}
