import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capUtf16, neutraliseFormula, restoreFormula, SINGLE_LINE_TEXT_MAX_UNITS, storedLine } from '../../../src/domain/stored-text.js';

describe('stored text', () => {
  it('fits any one-line value into a SharePoint single line of text, counting UTF-16 units, without splitting a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '🏥', '👩🏽‍⚕️', 'é', '\r', '\n', '\t', '\u202E', '\u200B', '𝐍'), maxLength: 600 }), (value) => {
        const stored = storedLine(value);
        expect(neutraliseFormula(stored).length).toBeLessThanOrEqual(SINGLE_LINE_TEXT_MAX_UNITS);
        expect(stored).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        expect(stored).not.toMatch(/[\uD800-\uDBFF]$/);
      }),
      { numRuns: 1000 },
    );
    expect(capUtf16('🏥'.repeat(200), 255)).toBe(`${'🏥'.repeat(127)}…`);
  });

  it('stores formula-looking values as text and reads them back as written', () => {
    for (const value of ['=HYPERLINK("https://evil.example","x")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', '\t=1', '\r=1']) {
      expect(neutraliseFormula(value)).toBe(`'${value}`);
      expect(restoreFormula(neutraliseFormula(value))).toBe(value);
    }
    expect(neutraliseFormula('Leeds Teaching Hospitals')).toBe('Leeds Teaching Hospitals');
    expect(restoreFormula("Guy's")).toBe("Guy's");
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", '=', '+', 'a', '\t', ' ') }), (value) => {
        expect(restoreFormula(neutraliseFormula(value))).toBe(value);
      }),
    );
  });
});
