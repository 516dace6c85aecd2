/**
 * Text from an email as weqs stores it in SharePoint, where staff read it and export it to Excel.
 *
 * - SharePoint's "single line of text" holds at most 255 characters, counted in UTF-16 code
 *   units (an emoji takes two), and refuses a longer value outright; weqs caps every such value
 *   before the first side effect so a long display name cannot leave an application half built.
 *   https://learn.microsoft.com/graph/api/resources/textcolumn
 *   https://support.microsoft.com/office/list-and-library-column-types-and-options-0d8ddb7b-7dc7-414d-a283-ee9dca891df7
 * - A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel
 *   (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`); such values are stored with a leading apostrophe,
 *   as OWASP's CSV injection guidance recommends, and weqs takes it off again when it reads.
 *   https://owasp.org/www-community/attacks/CSV_Injection
 * - Control characters (CR, LF, tabs, escapes) never reach a stored name.
 */
import { singleLine } from './text-escaping.js';

/** SharePoint's limit for a single line of text, in UTF-16 code units. */
export const SINGLE_LINE_TEXT_MAX_UNITS = 255;

/** Room left for the apostrophe that neutralises a formula. */
export const STORED_LINE_MAX_UNITS = SINGLE_LINE_TEXT_MAX_UNITS - 1;

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('en-GB', { granularity: 'grapheme' });

/** At most `maxUnits` UTF-16 code units, cut between whole characters as people see them, with an ellipsis when cut. */
export function capUtf16(value: string, maxUnits: number): string {
  if (value.length <= maxUnits) return value;
  const budget = maxUnits - ELLIPSIS.length;
  let kept = '';
  for (const { segment } of graphemes.segment(value)) {
    if (kept.length + segment.length > budget) break;
    kept += segment;
  }
  return `${kept.trimEnd()}${ELLIPSIS}`;
}

// Format characters (zero-width, bidi controls, BOM) and lone surrogates are invisible or broken.
const INVISIBLE = /[\p{Cf}\p{Cs}]/gu;

/** A one-line value from an email, fit to store: no control or invisible characters, within SharePoint's limit. */
export function storedLine(value: string, maxUnits = STORED_LINE_MAX_UNITS): string {
  return capUtf16(singleLine(value.replace(INVISIBLE, '')).normalize('NFC'), maxUnits);
}

// Apostrophes already in front are counted too, so that reading back is exact for every value.
const FORMULA_START = /^'*[=+\-@\t\r\n]/u;

/** The value as a spreadsheet will take it as text: a leading apostrophe when it would start a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The value weqs meant, read back from the list. */
export function restoreFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}
