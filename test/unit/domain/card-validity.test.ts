import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveCardProblems } from '../../../emulator/adaptive-cards.js';
import { everyCard } from '../../support/card-fixtures.js';

/**
 * Every card weqs posts, parsed and validated by the official Adaptive Cards library for the
 * schema version Teams renders. This replaces the hand-written element and action check where
 * the two overlap (`cardPayloadProblems` still guards what the library does not: https links,
 * wrapping text and the payload size).
 */
describe('every Teams card, as the Adaptive Cards library reads it', () => {
  it.each(Object.entries(everyCard()))('%s parses and validates with no warning or error', (_name, payload) => {
    expect(payload.attachments).toHaveLength(1);
    expect(adaptiveCardProblems(payload.attachments[0].content)).toEqual([]);
  });

  it('stays valid whatever text arrives from an email or a staff list', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        for (const [name, payload] of Object.entries(everyCard(text))) expect(adaptiveCardProblems(payload.attachments[0].content), name).toEqual([]);
      }),
      { numRuns: 10 },
    );
  });

  // The check itself can fail: each of these is a card Teams would not show as intended.
  it.each([
    ['an element Teams does not know', { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Carousel', pages: [] }] }, /Unknown element type "Carousel"/],
    ['an element newer than the declared version', { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Table', columns: [], rows: [] }] }, /Table/],
    ['a link without a URL', { type: 'AdaptiveCard', version: '1.4', body: [], actions: [{ type: 'Action.OpenUrl', title: 'Open' }] }, /url/],
    ['an invalid property value', { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'x', color: 'Purple' }] }, /Purple/],
    ['a version Teams does not render', { type: 'AdaptiveCard', version: '1.6', body: [] }, /1\.6/],
  ])('reports %s', (_name, card, problem) => {
    expect(adaptiveCardProblems(card).join('\n')).toMatch(problem);
  });
});
