import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  awardExpiry,
  awardExpiryInstant,
  awardLevelForDocumentCount,
  awardLevelRank,
  describeReapplicationRefusal,
  isAwardCurrent,
  reapplicationAllowed,
  renewalOpensOn,
} from '../../../src/domain/award.js';

const at = (iso: string) => new Date(iso);

describe('awardLevelForDocumentCount', () => {
  it.each([
    [0, 'none'],
    [3, 'none'],
    [4, 'bronze'],
    [7, 'bronze'],
    [8, 'silver'],
    [11, 'silver'],
    [12, 'gold'],
    [40, 'gold'],
  ] as const)('gives %i current documents the level %s', (count, level) => {
    expect(awardLevelForDocumentCount(count)).toBe(level);
  });

  it('never supports a lower level for more documents', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(awardLevelRank(awardLevelForDocumentCount(low))).toBeLessThanOrEqual(awardLevelRank(awardLevelForDocumentCount(high)));
      }),
    );
  });
});

describe('awardExpiry', () => {
  it('expires on the decision date two years on', () => {
    expect(awardExpiry(at('2025-04-10T10:00:00Z'))).toBe('2027-04-10');
  });

  it('moves a 29 February decision to 28 February', () => {
    expect(awardExpiry(at('2024-02-29T12:00:00Z'))).toBe('2026-02-28');
    expect(awardExpiry(at('2028-02-29T12:00:00Z'))).toBe('2030-02-28');
  });

  it('keeps 28 February as 28 February when the expiry year is a leap year', () => {
    expect(awardExpiry(at('2026-02-28T12:00:00Z'))).toBe('2028-02-28');
  });

  it('uses the UK date of the decision, so a late BST evening counts as the next day', () => {
    expect(awardExpiry(at('2025-06-30T23:30:00Z'))).toBe('2027-07-01');
    expect(awardExpiry(at('2025-12-31T23:30:00Z'))).toBe('2027-12-31');
  });

  it('keeps an award current until the end of its expiry day, UK time', () => {
    expect(awardExpiryInstant('2027-07-01').toISOString()).toBe('2027-07-01T22:59:59.999Z');
    expect(isAwardCurrent('2027-07-01', at('2027-07-01T22:59:59.999Z'))).toBe(true);
    expect(isAwardCurrent('2027-07-01', at('2027-07-01T23:00:00.000Z'))).toBe(false);
    expect(isAwardCurrent('2027-01-10', at('2027-01-10T23:59:59.999Z'))).toBe(true);
  });
});

describe('reapplicationAllowed', () => {
  const gold = { level: 'gold', expiresOn: '2027-04-10' } as const;

  it('allows a first application', () => {
    expect(reapplicationAllowed({}, at('2026-11-25T12:00:00Z'))).toEqual({ allowed: true, reason: 'first-application' });
  });

  it('refuses a new application while one is open, whatever the award', () => {
    expect(reapplicationAllowed({ openApplication: { ref: 'WEQS-0042' }, award: gold }, at('2027-03-01T12:00:00Z'))).toEqual({
      allowed: false,
      reason: 'application-open',
      openApplicationRef: 'WEQS-0042',
    });
  });

  it('refuses an organisation whose award is current and not yet within 90 days of expiry', () => {
    expect(reapplicationAllowed({ award: gold, lastOutcome: 'awarded' }, at('2027-01-09T12:00:00Z'))).toEqual({
      allowed: false,
      reason: 'award-current',
      awardLevel: 'gold',
      expiresOn: '2027-04-10',
      renewalOpensOn: '2027-01-10',
    });
  });

  it('allows renewal from the start of the UK day 90 days before expiry', () => {
    expect(renewalOpensOn('2027-04-10')).toBe('2027-01-10');
    expect(reapplicationAllowed({ award: gold }, at('2027-01-09T23:59:59.999Z')).allowed).toBe(false);
    expect(reapplicationAllowed({ award: gold }, at('2027-01-10T00:00:00.000Z'))).toEqual({
      allowed: true,
      reason: 'renewal-window',
      awardLevel: 'gold',
      expiresOn: '2027-04-10',
    });
  });

  it('opens the renewal window at UK midnight in BST, which is 23:00 UTC the day before', () => {
    const silver = { level: 'silver', expiresOn: '2027-09-28' } as const;
    expect(renewalOpensOn('2027-09-28')).toBe('2027-06-30');
    expect(reapplicationAllowed({ award: silver }, at('2027-06-29T22:59:59.999Z')).allowed).toBe(false);
    expect(reapplicationAllowed({ award: silver }, at('2027-06-29T23:00:00.000Z')).allowed).toBe(true);
  });

  it('allows an application after the award has expired', () => {
    expect(reapplicationAllowed({ award: gold, lastOutcome: 'awarded' }, at('2027-04-11T09:00:00Z'))).toEqual({
      allowed: true,
      reason: 'award-expired',
      awardLevel: 'gold',
      expiredOn: '2027-04-10',
    });
  });

  it('allows re-applying after a "not awarded" decision or a withdrawal', () => {
    expect(reapplicationAllowed({ lastOutcome: 'not-awarded' }, at('2027-04-20T09:00:00Z'))).toEqual({ allowed: true, reason: 'previously-not-awarded' });
    expect(reapplicationAllowed({ lastOutcome: 'withdrawn' }, at('2027-04-20T09:00:00Z'))).toEqual({ allowed: true, reason: 'previously-withdrawn' });
  });

  it('explains a failed renewal after the old award expired as "not awarded"', () => {
    expect(reapplicationAllowed({ award: gold, lastOutcome: 'not-awarded' }, at('2027-05-01T09:00:00Z')).reason).toBe('previously-not-awarded');
  });

  it('honours a different renewal window', () => {
    expect(reapplicationAllowed({ award: gold }, at('2026-11-01T12:00:00Z'), { renewalWindowDays: 180 }).allowed).toBe(true);
  });

  it('words a refusal for an email', () => {
    const refusal = reapplicationAllowed({ award: gold }, at('2026-11-25T12:00:00Z'));
    expect(describeReapplicationRefusal(refusal)).toBe(
      'Your organisation holds a Gold award until 10 April 2027. You can apply to renew it from Sunday 10 January 2027.',
    );
    expect(describeReapplicationRefusal(reapplicationAllowed({ openApplication: { ref: 'WEQS-7' } }, at('2026-11-25T12:00:00Z')))).toContain(
      'already has an open application (reference WEQS-7)',
    );
    expect(describeReapplicationRefusal(reapplicationAllowed({}, at('2026-11-25T12:00:00Z')))).toBeUndefined();
  });
});
