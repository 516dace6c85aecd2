/**
 * Making text that came in by email safe to show: in HTML email bodies, in Adaptive Card
 * markdown, and within a length budget.
 *
 * Names, addresses and subjects are written by whoever sent the email, so they are treated as
 * hostile: they must never become markup, links or formatting, and a very long one must not
 * make an email unreadable or a Teams card too big to post.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text for an HTML element or a double- or single-quoted attribute value. Every character that
 * can end text or an attribute is replaced by an entity, so the result is safe in both places.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

// Adaptive Card markdown is a small subset of CommonMark: bold `**`, italic `_`, links
// `[title](url)`, and bulleted and numbered lists; headings, code, block quotes, tables and images
// are not supported (https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features,
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
// Backslash escapes are not in that subset, and Teams clients have disagreed about them
// (https://github.com/microsoft/AdaptiveCards/issues/5590,
// https://github.com/MicrosoftDocs/msteams-docs/issues/5793), so a backslash would show as typed.
// Character references are used instead: CommonMark decodes them to plain text that can never
// become structure, and Teams on iOS, which renders text holding `&`, `<` or `>` as HTML
// (https://github.com/microsoft/AdaptiveCards/pull/5439), decodes them too. Only what can start
// formatting is replaced: `*` and `_` (emphasis), `[` and `]` (a link needs both brackets, so
// parentheses alone are harmless), `{` (`{{DATE(…)}}` is expanded by the card host), `&`, `<` and
// `>` (HTML and references), and the backslash.
const CARD_REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '{': '&#123;',
  '\\': '&#92;',
};
const CARD_INLINE_SPECIALS = /[\\*_[\]{&<>]/g;

// List markers, block quotes and setext/thematic lines only mean something at the start of a
// line (after up to three spaces of indentation in CommonMark; any amount is covered here).
const CARD_LINE_START = /(^|[\r\n])([ \t]*)(?:([-+=])|(\d{1,9})([.)]))/g;
const LINE_START_REFERENCES: Readonly<Record<string, string>> = { '-': '&#45;', '+': '&#43;', '=': '&#61;', '.': '&#46;', ')': '&#41;' };

/**
 * Text for an Adaptive Card TextBlock or Fact value, which Teams renders as markdown: every
 * character that could start formatting, a link or a list is replaced by its character reference,
 * so the text shows exactly as typed, with no backslash.
 */
export function escapeCardText(value: string): string {
  const inline = value.replace(CARD_INLINE_SPECIALS, (char) => CARD_REFERENCES[char] ?? char);
  // Numbered-list markers (`1.` and `1)`) and `-`, `+` and `=` are replaced only where they would
  // start a block.
  return inline.replace(
    CARD_LINE_START,
    (_match, lineBreak: string, indent: string, marker: string | undefined, digits: string | undefined, dot: string | undefined) =>
      marker !== undefined
        ? `${lineBreak}${indent}${LINE_START_REFERENCES[marker] ?? marker}`
        : `${lineBreak}${indent}${digits ?? ''}${LINE_START_REFERENCES[dot ?? ''] ?? ''}`,
  );
}

// Characters that make a "single line" value span lines or that reorder text on screen: all
// controls, line and paragraph separators, and the explicit bidirectional embeddings, overrides
// and isolates (which can make "exe.pdf" display as "fdp.exe"). Arabic and Hebrew text needs none
// of them to display correctly.
const LINE_BREAKING_OR_REORDERING = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\u061C\u200E\u200F]+/gu;
const WHITESPACE_RUN = /\s+/gu;

/**
 * One line of plain text: line breaks, tabs and other control characters become single spaces,
 * bidirectional overrides are removed, runs of spaces are collapsed and the ends trimmed. For
 * values that are one line by nature (names, addresses, subjects).
 */
export function singleLine(value: string): string {
  return value.replace(LINE_BREAKING_OR_REORDERING, ' ').replace(WHITESPACE_RUN, ' ').trim();
}

export const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter('en-GB', { granularity: 'grapheme' });

function codePointLength(value: string): number {
  let count = 0;
  for (const _char of value) count += 1;
  return count;
}

/**
 * `value` shortened to at most `maxLength` code points, ending with an ellipsis when shortened.
 * Cuts fall between whole characters as people see them (an emoji, or a letter with its accents,
 * is never split), and trailing spaces before the ellipsis are dropped.
 */
export function truncateText(value: string, maxLength: number): string {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a positive integer, not ${maxLength}`);
  // Cheap exits first: length in UTF-16 units is never less than the length in code points.
  if (value.length <= maxLength || codePointLength(value) <= maxLength) return value;
  const budget = maxLength - codePointLength(ELLIPSIS);
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(value)) {
    const size = codePointLength(segment);
    if (used + size > budget) break;
    kept += segment;
    used += size;
  }
  return `${kept.trimEnd()}${ELLIPSIS}`;
}

/** A one-line value from an email, cleaned with `singleLine` and capped with `truncateText`. */
export function clipLine(value: string, maxLength: number): string {
  return truncateText(singleLine(value), maxLength);
}

/**
 * True for an absolute https URL without credentials: the only links weqs puts in emails and
 * cards, which all point at SharePoint or public NHS sites.
 */
export function isAbsoluteHttpsUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
}
