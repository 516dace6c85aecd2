import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plural, pluralWord } from '../../../src/domain/plural.js';

describe('plural', () => {
  it.each([
    [0, '0 days'],
    [1, '1 day'],
    [2, '2 days'],
    [28, '28 days'],
  ])('writes %i days as "%s"', (count, words) => {
    expect(plural(count, 'day')).toBe(words);
  });

  it('takes an irregular plural', () => {
    expect(plural(1, 'box', 'boxes')).toBe('1 box');
    expect(plural(0, 'box', 'boxes')).toBe('0 boxes');
    expect(pluralWord(5, 'was', 'were')).toBe('were');
  });

  it('is singular for exactly one and nothing else', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), (count) => (plural(count, 'cycle') === `${count} cycle`) === (count === 1)));
  });
});
