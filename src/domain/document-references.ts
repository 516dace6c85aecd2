/**
 * Which documents a supporting commentary names, and which of those are not in the folder.
 *
 * Applicants are asked to name each document by its file name, but they write them the way people
 * do: `see "Induction checklist v2.pdf" p.3`, `(Risk_Assessment_2026.docx, pages 2-4)`, or
 * without the extension. Two passes:
 *
 * 1. Each uploaded file is looked for by name, with or without its extension, ignoring case and
 *    spacing, and not as part of a longer word. A bare stem that is a single ordinary word
 *    ("Policy" for Policy.pdf) only counts in quotes, since the word alone is usually just a word.
 * 2. Anything else that looks like a file name (text ending in a document extension) is a
 *    reference to a file that is not there. Where such a name starts is guessed: after an
 *    opening quote or bracket if there is one, otherwise back to the nearest punctuation, joining
 *    word ("see", "the", "and"...) or lower-case word before a capitalised one, so both
 *    `see the Feedback form.xlsx` and `learners complete Feedback form.xlsx` name
 *    `Feedback form.xlsx`.
 *
 * The answer is advice for the applicant and reviewer, so mistakes are tolerated in one direction:
 * a name we cannot place exactly is still reported, as written.
 */

export interface DocumentReferences {
  /** Uploaded file names (as uploaded) and unmatched names (as written), in order of first mention. */
  referenced: string[];
  /** The referenced names that are not among the uploaded files. */
  missing: string[];
}

const DOCUMENT_EXTENSIONS = [
  'pdf', 'doc', 'docx', 'docm', 'dot', 'dotx', 'odt', 'rtf', 'txt',
  'xls', 'xlsx', 'xlsm', 'xlsb', 'xlt', 'xltx', 'ods', 'csv',
  'ppt', 'pptx', 'pptm', 'pps', 'ppsx', 'odp',
  'jpg', 'jpeg', 'png', 'gif', 'bmp', 'tif', 'tiff', 'heic', 'webp',
  'msg', 'eml', 'vsd', 'vsdx', 'pub', 'xps', 'zip',
  'mp4', 'mov', 'avi', 'wmv', 'mp3', 'm4a', 'wav',
];

const WORD_CHARACTER = '[\\p{L}\\p{N}\\p{M}_]';
const WORD_AT_START = new RegExp(`^${WORD_CHARACTER}`, 'u');
const WORD_AT_END = new RegExp(`${WORD_CHARACTER}$`, 'u');
const EXTENSION_AT_START = new RegExp(`^\\.${WORD_CHARACTER}`, 'u');
const QUOTE_AT_START = /^["'\u201D\u2019]/u;
const QUOTE_AT_END = /["'\u201C\u2018]$/u;
const EXTENSION_ALTERNATIVES = DOCUMENT_EXTENSIONS.join('|');
const ENDS_WITH_EXTENSION = new RegExp(`\\.(?:${EXTENSION_ALTERNATIVES})$`, 'iu');
const FILE_LIKE = new RegExp(`(?<=${WORD_CHARACTER}|[)\\]])\\.(?:${EXTENSION_ALTERNATIVES})(?!${WORD_CHARACTER})`, 'giu');
// Curly quotes and brackets say which side they are on; straight quotes are worked out.
const OPENING_BRACKETS = new Set(['(', '[', '{', '\u201C', '\u2018', '\u00AB']);
const CLOSING_BRACKETS = new Set([')', ']', '}', '\u201D', '\u00BB']);
// Words that come before a document's name rather than being part of it.
const JOINING_WORDS = new Set([
  'a', 'after', 'all', 'also', 'an', 'and', 'are', 'as', 'at', 'attached', 'before', 'both', 'but', 'by', 'called',
  'completed', 'contains', 'copy', 'document', 'during', 'e.g.', 'each', 'eg', 'every', 'evidence', 'evidenced', 'file',
  'for', 'from', 'i.e.', 'ie', 'in', 'including', 'includes', 'into', 'is', 'its', 'named', 'of', 'on', 'or', 'our',
  'per', 'please', 'plus', 'provided', 'recorded', 'refer', 'see', 'shown', 'signed', 'so', 'that', 'the', 'their',
  'then', 'these', 'this', 'those', 'to', 'uploaded', 'use', 'used', 'using', 'via', 'was', 'we', 'were', 'which',
  'with', 'within',
]);
const MAX_NAME_WORDS = 8;
const MAX_QUOTED_NAME_LENGTH = 150;
const LOOK_BACK = 300;

export function findReferencedDocuments(commentary: string, fileNames: readonly string[]): DocumentReferences {
  const candidates = fileLikeNames(commentary);
  const mentions: { index: number; name: string; uploaded: boolean }[] = [];
  const uploadedSpans: Span[] = [];

  for (const fileName of new Set(fileNames)) {
    // Words of an uploaded name followed by more words and an extension are part of another
    // name: "Feedback form" in "Feedback form 2.xlsx".
    const spans = mentionsOf(commentary, fileName).filter(
      (span) => !candidates.some((candidate) => candidate.start <= span.start && span.end < candidate.extensionEnd),
    );
    uploadedSpans.push(...spans);
    const first = spans.reduce<number | undefined>((earliest, span) => (earliest === undefined ? span.start : Math.min(earliest, span.start)), undefined);
    if (first !== undefined) mentions.push({ index: first, name: fileName, uploaded: true });
  }

  const uploadedKeys = new Set(fileNames.flatMap((name) => [comparable(name), comparable(stemOf(name))]));
  for (const candidate of candidates) {
    const coveredByUpload = uploadedSpans.some((span) => candidate.extensionEnd > span.start && candidate.extensionEnd <= span.end);
    if (coveredByUpload || uploadedKeys.has(comparable(candidate.name))) continue;
    mentions.push({ index: candidate.start, name: candidate.name, uploaded: false });
  }

  const referenced: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const mention of mentions.sort((a, b) => a.index - b.index)) {
    const key = mention.uploaded ? `uploaded:${mention.name}` : `missing:${comparable(mention.name)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    referenced.push(mention.name);
    if (!mention.uploaded) missing.push(mention.name);
  }
  return { referenced, missing };
}

// ---------------------------------------------------------------------------------------------
// Uploaded files
// ---------------------------------------------------------------------------------------------

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Everywhere the commentary names the file, with or without its extension. */
function mentionsOf(commentary: string, fileName: string): Span[] {
  const name = fileName.trim();
  if (name === '') return [];
  const stem = stemOf(name);
  const spans = spansOf(commentary, name, 'anywhere');
  if (stem !== name && stem !== '') spans.push(...spansOf(commentary, stem, isDistinctive(stem) ? 'anywhere' : 'quoted'));
  return spans;
}

/**
 * The name ignoring case and spacing, not inside a longer word. It may not be followed by
 * another extension ("Policy v2" in "Policy v2.docx" is a different file). The boundaries are
 * checked here rather than in the pattern: a case-insensitive pattern with Unicode classes
 * takes milliseconds to compile, and there is one per uploaded file.
 */
function spansOf(commentary: string, name: string, where: 'anywhere' | 'quoted'): Span[] {
  const body = name
    .split(/\s+/u)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  const pattern = new RegExp(body, 'giu');
  const checkStart = WORD_AT_START.test(name);
  const checkEnd = WORD_AT_END.test(name);
  const spans: Span[] = [];
  for (let match = pattern.exec(commentary); match !== null; match = pattern.exec(commentary)) {
    const start = match.index;
    const end = start + match[0].length;
    const before = commentary.slice(Math.max(0, start - 2), start);
    const after = commentary.slice(end, end + 3);
    const bounded =
      where === 'quoted'
        ? QUOTE_AT_END.test(before) && QUOTE_AT_START.test(after)
        : !(checkStart && WORD_AT_END.test(before)) && !(checkEnd && WORD_AT_START.test(after)) && !EXTENSION_AT_START.test(after);
    if (bounded) spans.push({ start, end });
    // Overlapping occurrences are tried too: "ab ab" in "xab ab ab" is found at the second "ab".
    pattern.lastIndex = start + 1;
  }
  return spans;
}

/** A stem worth matching on its own: more than one word, or with digits or separators in it. */
function isDistinctive(stem: string): boolean {
  return /[\s\p{N}_\-.()]/u.test(stem);
}

function stemOf(fileName: string): string {
  const trimmed = fileName.trim();
  const dot = trimmed.lastIndexOf('.');
  return dot > 0 ? trimmed.slice(0, dot).trim() : trimmed;
}

function comparable(name: string): string {
  return name.replace(/\s+/gu, ' ').trim().toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Other file-like names
// ---------------------------------------------------------------------------------------------

interface FileLikeName {
  readonly name: string;
  readonly start: number;
  readonly extensionEnd: number;
}

function fileLikeNames(commentary: string): FileLikeName[] {
  const names: FileLikeName[] = [];
  for (const match of commentary.matchAll(FILE_LIKE)) {
    const extensionEnd = match.index + match[0].length;
    const start = nameStart(commentary, match.index);
    const name = tidyName(commentary.slice(start, extensionEnd));
    if (name.length > match[0].length) names.push({ name, start, extensionEnd });
  }
  return names;
}

/** Where a file name ending just before `extensionStart` begins (see the module comment). */
function nameStart(commentary: string, extensionStart: number): number {
  const start = guessedStart(commentary, extensionStart);
  // Never reaching back over another file name: `"Policy.pdf and Minutes.docx"` names two.
  const earlier = [...commentary.slice(start, extensionStart).matchAll(FILE_LIKE)].at(-1);
  if (earlier === undefined) return start;
  const after = start + earlier.index + earlier[0].length;
  return skipJoiningWords(commentary, after + (/^[\s,;:"'\u201D\u2019)\]]*/u.exec(commentary.slice(after, extensionStart))?.[0].length ?? 0), extensionStart);
}

function guessedStart(commentary: string, extensionStart: number): number {
  // Only the text shortly before is looked at, which keeps long commentaries linear.
  const windowStart = Math.max(0, extensionStart - LOOK_BACK);
  const lineStart = windowStart + commentary.slice(windowStart, extensionStart).lastIndexOf('\n') + 1;
  const quoted = quotedStart(commentary, lineStart, extensionStart);
  if (quoted !== undefined) return skipJoiningWords(commentary, quoted, extensionStart);

  // The word the extension is attached to, back to a space or a path separator.
  let start = extensionStart;
  while (start > lineStart && !/[\s/\\]/u.test(commentary.charAt(start - 1))) start -= 1;
  if (/[/\\]/u.test(commentary.charAt(start - 1))) return start;

  // Earlier words, while they look like part of a name.
  let words = 1;
  while (words < MAX_NAME_WORDS) {
    const previous = /(\S+)\s+$/u.exec(commentary.slice(lineStart, start));
    const word = previous?.[1];
    if (previous === null || word === undefined) break;
    if (/[,;:!?.)\]"\u201D\u2019]$/u.test(word) || /^[("'\u201C\u2018[]/u.test(word)) break;
    if (JOINING_WORDS.has(word.toLowerCase()) || ENDS_WITH_EXTENSION.test(word)) break;
    // Names are usually capitalised: "complete Feedback form.xlsx" names "Feedback form.xlsx".
    if (/^\p{Ll}/u.test(word) && /^\p{Lu}/u.test(commentary.slice(start))) break;
    start = lineStart + previous.index;
    words += 1;
  }
  return start;
}

/**
 * After the opening quote or bracket whose text runs, unclosed, up to the extension; undefined
 * when the name is not quoted, or the "quote" is too long to be only a name.
 */
function quotedStart(commentary: string, lineStart: number, extensionStart: number): number | undefined {
  const earliest = Math.max(lineStart, extensionStart - MAX_QUOTED_NAME_LENGTH);
  for (let index = extensionStart - 1; index >= earliest; index -= 1) {
    const kind = quoteKind(commentary, index, lineStart);
    if (kind === 'closing') return undefined;
    if (kind !== 'opening') continue;
    const wordCount = commentary.slice(index + 1, extensionStart).trim().split(/\s+/u).length;
    return wordCount <= MAX_NAME_WORDS ? index + 1 : undefined;
  }
  return undefined;
}

function quoteKind(commentary: string, index: number, lineStart: number): 'opening' | 'closing' | undefined {
  const character = commentary.charAt(index);
  const before = index > lineStart ? commentary.charAt(index - 1) : ' ';
  const after = commentary.charAt(index + 1);
  if (OPENING_BRACKETS.has(character)) return 'opening';
  if (CLOSING_BRACKETS.has(character)) return 'closing';
  if (character === '"') {
    // Straight quotes pair up from the start of the line: an odd one is an opening quote.
    const earlierQuotes = commentary.slice(lineStart, index).split('"').length - 1;
    return earlierQuotes % 2 === 0 ? 'opening' : 'closing';
  }
  if (character === "'" || character === '\u2019') {
    // Between letters it is an apostrophe ("organisation's"), not a quote.
    if (/[\p{L}\p{N}]/u.test(before) && /[\p{L}\p{N}]/u.test(after)) return undefined;
    if (character === "'" && /[\s([{]/u.test(before)) return 'opening';
    return /[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after) ? 'closing' : undefined;
  }
  return undefined;
}

function skipJoiningWords(commentary: string, from: number, extensionStart: number): number {
  let start = from;
  for (;;) {
    const next = /^\s*(\S+)\s+/u.exec(commentary.slice(start, extensionStart));
    const word = next?.[1];
    if (next === null || word === undefined || !JOINING_WORDS.has(word.toLowerCase())) break;
    start += next[0].length;
  }
  return start;
}

function tidyName(raw: string): string {
  return raw
    .replace(/\s+/gu, ' ')
    .replace(/^[\s"'\u201C\u2018([\u00AB]+/u, '')
    .trim();
}
