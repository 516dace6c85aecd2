/**
 * Award levels, how long an award lasts, and when an organisation may apply again.
 *
 * An award is current up to and including its expiry date (a UK calendar date) and has expired
 * from the start of the following UK day. The expiry date is the decision date two years on, so
 * "awarded 10 April 2025, valid until 10 April 2027" reads the way people expect.
 */
import { addUkDays, addUkYears, formatUkDate, ukDateOf, ukEndOfDay, type UkDate } from './uk-dates.js';

export type AwardLevel = 'bronze' | 'silver' | 'gold';
export type SupportedAwardLevel = AwardLevel | 'none';

export const AWARD_LEVELS: readonly AwardLevel[] = ['bronze', 'silver', 'gold'];

/** Minimum completed, current documents across the application for each level (guidance p.4). */
export const AWARD_DOCUMENT_THRESHOLDS: Readonly<Record<AwardLevel, number>> = { bronze: 4, silver: 8, gold: 12 };

export const AWARD_VALIDITY_YEARS = 2;

/**
 * Renewal may be applied for from this many days before expiry. Ninety days lines up with the
 * first expiry reminder, so that reminder can say "you can re-apply now"; earlier applications
 * from an organisation holding a current award are refused (staff can still act by hand).
 */
export const DEFAULT_RENEWAL_WINDOW_DAYS = 90;

/** The highest level a count of current documents supports. */
export function awardLevelForDocumentCount(count: number): SupportedAwardLevel {
  if (count >= AWARD_DOCUMENT_THRESHOLDS.gold) return 'gold';
  if (count >= AWARD_DOCUMENT_THRESHOLDS.silver) return 'silver';
  if (count >= AWARD_DOCUMENT_THRESHOLDS.bronze) return 'bronze';
  return 'none';
}

/** Orders levels so `none` < bronze < silver < gold. */
export function awardLevelRank(level: SupportedAwardLevel): number {
  return level === 'none' ? 0 : AWARD_LEVELS.indexOf(level) + 1;
}

export function formatAwardLevel(level: AwardLevel): string {
  return level.charAt(0).toUpperCase() + level.slice(1);
}

/**
 * The award's expiry date: the UK date of the decision, two years on (29 February becomes
 * 28 February). A decision sent at 23:30 UTC on 30 June is a 1 July decision in BST, so expires
 * on 1 July.
 */
export function awardExpiry(decisionSentAt: Date): UkDate {
  return addUkYears(ukDateOf(decisionSentAt), AWARD_VALIDITY_YEARS);
}

/** The last millisecond the award is current. */
export function awardExpiryInstant(expiresOn: UkDate): Date {
  return ukEndOfDay(expiresOn);
}

export function isAwardCurrent(expiresOn: UkDate, now: Date): boolean {
  return ukDateOf(now) <= expiresOn;
}

/** The first UK day on which a renewal application is accepted. */
export function renewalOpensOn(expiresOn: UkDate, renewalWindowDays = DEFAULT_RENEWAL_WINDOW_DAYS): UkDate {
  return addUkDays(expiresOn, -renewalWindowDays);
}

/** What the service knows about an organisation when it asks to apply again. */
export interface ReapplicationState {
  /**
   * An application that has not reached an outcome (not decided, not withdrawn), whatever
   * its stage: awaiting evidence, rolled over, in review, awaiting a decision email.
   */
  openApplication?: { ref: string };
  /** The organisation's most recent award, current or expired. */
  award?: { level: AwardLevel; expiresOn: UkDate };
  /** How the most recent finished application ended, for the wording of the reply. */
  lastOutcome?: 'awarded' | 'not-awarded' | 'withdrawn';
}

export type ReapplicationDecision =
  | { allowed: true; reason: 'first-application' | 'previously-not-awarded' | 'previously-withdrawn' }
  | { allowed: true; reason: 'renewal-window'; awardLevel: AwardLevel; expiresOn: UkDate }
  | { allowed: true; reason: 'award-expired'; awardLevel: AwardLevel; expiredOn: UkDate }
  | { allowed: false; reason: 'application-open'; openApplicationRef: string }
  | { allowed: false; reason: 'award-current'; awardLevel: AwardLevel; expiresOn: UkDate; renewalOpensOn: UkDate };

/**
 * Whether an organisation may start a new application at `now`, checked in this order:
 * 1. An open application blocks a new one (one application per organisation).
 * 2. A current award blocks until `renewalWindowDays` before it expires; from then on, and
 *    after expiry, a new application is allowed. This refuses "upgrade" applications from a
 *    current award holder outside the window, which staff can still allow by hand.
 * 3. Otherwise (never applied, last decision "not awarded", or withdrawn) a new application is
 *    allowed; it targets the next cycle whose deadline has not passed.
 */
export function reapplicationAllowed(
  state: ReapplicationState,
  now: Date,
  options: { renewalWindowDays?: number } = {},
): ReapplicationDecision {
  if (state.openApplication) {
    return { allowed: false, reason: 'application-open', openApplicationRef: state.openApplication.ref };
  }
  if (state.award) {
    const { level, expiresOn } = state.award;
    const today = ukDateOf(now);
    const opensOn = renewalOpensOn(expiresOn, options.renewalWindowDays ?? DEFAULT_RENEWAL_WINDOW_DAYS);
    if (today < opensOn) {
      return { allowed: false, reason: 'award-current', awardLevel: level, expiresOn, renewalOpensOn: opensOn };
    }
    if (today <= expiresOn) return { allowed: true, reason: 'renewal-window', awardLevel: level, expiresOn };
    if (state.lastOutcome === undefined || state.lastOutcome === 'awarded') {
      return { allowed: true, reason: 'award-expired', awardLevel: level, expiredOn: expiresOn };
    }
  }
  if (state.lastOutcome === 'not-awarded') return { allowed: true, reason: 'previously-not-awarded' };
  if (state.lastOutcome === 'withdrawn') return { allowed: true, reason: 'previously-withdrawn' };
  return { allowed: true, reason: 'first-application' };
}

/** One sentence for an email explaining a refused application. */
export function describeReapplicationRefusal(decision: ReapplicationDecision): string | undefined {
  if (decision.allowed) return undefined;
  if (decision.reason === 'application-open') {
    return `Your organisation already has an open application (reference ${decision.openApplicationRef}); only one application per organisation can be open at a time.`;
  }
  return (
    `Your organisation holds a ${formatAwardLevel(decision.awardLevel)} award until ${formatUkDate(decision.expiresOn, 'medium')}. ` +
    `You can apply to renew it from ${formatUkDate(decision.renewalOpensOn, 'long')}.`
  );
}
