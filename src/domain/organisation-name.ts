/**
 * Normal form for healthcare organisation names, and the identifiers people type next to them.
 *
 * The normal form only absorbs differences that never distinguish two organisations (case,
 * spacing, punctuation, `&`/`and`, "The", apostrophes, spelled-out vs abbreviated legal suffixes
 * and a few unambiguous word abbreviations). It deliberately keeps differences that can:
 * "Hospital" vs "Hospitals", "NHS Trust" vs "NHS Foundation Trust", word order, and any word
 * that is present in one name and absent from the other. Matching across those differences is
 * the organisation directory's job, with its own safeguards.
 */

export interface ExtractedIdentifiers {
  /** Upper-case ODS codes, in order of appearance, without duplicates. */
  odsCodes: string[];
  /** Postcodes in `LS1 4AP` form, in order of appearance, without duplicates. */
  postcodes: string[];
  /** The text with the identifiers (and labels such as "ODS code:") taken out. */
  remainder: string;
}

/** Where an identifier was found in the text. */
interface IdentifierSpan {
  kind: 'ods-code' | 'postcode';
  value: string;
  start: number;
  end: number;
  /** A bracketed all-letter code, "(RAE)", which could as well be a word of the name, "(TWO)". */
  couldBeWord: boolean;
}

export interface ExtractOptions {
  /**
   * Which codes exist. A bracketed all-letter code that does not ("Westcotes GP Surgery (TWO)")
   * is left in the name; codes with digits are taken as codes either way.
   */
  isKnownCode?: (odsCode: string) => boolean;
}

const NAME_KEY_PREFIX = 'name:';
const MAX_KEY_LENGTH = 200;

// Every apostrophe-like character people (and word processors) type inside names.
const APOSTROPHES = /['\u2018\u2019\u201B\u2032\u0060\u00B4\u02BC\u02B9\uFF07]/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const COMBINING_MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\p{ASCII}]/u;

// Whole-word abbreviations that mean one thing in an organisation name. Kept short on purpose:
// "Serv" (Service or Services?), "Coll" or "H" (Health? Hospital?) are left to the directory,
// which only expands them when exactly one known organisation fits.
const WORD_REWRITES: ReadonlyMap<string, readonly string[]> = new Map([
  ['nhsft', ['nhs', 'foundation', 'trust']],
  ['nhstrust', ['nhs', 'trust']],
  ['univ', ['university']],
  ['uni', ['university']],
  ['hosp', ['hospital']],
  ['hosps', ['hospitals']],
  // "St" is the form both "Saint" and "Street" collapse to: the two never occupy the same place in
  // a name ("St Helens", "High St Surgery"), and the published data itself mixes "ST"/"STREET".
  ['saint', ['st']],
  ['street', ['st']],
  ['ctr', ['centre']],
  ['cntr', ['centre']],
  ['center', ['centre']],
  ['pract', ['practice']],
  ['dept', ['department']],
  ['ltd', ['limited']],
  ['icb', ['integrated', 'care', 'board']],
  ['ccg', ['clinical', 'commissioning', 'group']],
]);

/**
 * Deterministic normal form: lower-case words of letters and digits separated by single spaces.
 * Idempotent; never throws.
 */
export function canonicalOrganisationName(name: string): string {
  let text = String(name).toLowerCase();
  // ASCII is already in NFKD and has no combining marks; most names are ASCII.
  if (NON_ASCII.test(text)) text = String(name).normalize('NFKD').toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '');
  text = text.replace(APOSTROPHES, '').replace(/[&+]/gu, ' and ');
  // "H/CARE" is how ODS staff abbreviate Healthcare; the slash would otherwise split it into a
  // stray letter that matches nothing.
  text = text.replace(/\bh\s*\/\s*care\b/gu, ' healthcare ');
  text = text.replace(NOT_LETTER_OR_DIGIT, ' ').trim();
  if (text === '') return '';

  let words = text.split(' ').filter((word) => word !== 'the');
  words = joinSpelledLetters(words).filter((word) => word !== 'the');
  return rewriteWords(words).join(' ');
}

/**
 * Key for an organisation that the directory could not identify: `name:` and the canonical name,
 * hyphenated. ASCII letters, digits and `-:_~` only, at most 200 characters, so it can be an Azure
 * Table PartitionKey or RowKey as it is.
 */
export function organisationNameKey(name: string): string {
  const canonical = canonicalOrganisationName(name);
  if (canonical === '') {
    // Nothing nameable is left ("???", emoji): hash what was typed so such requests are not all
    // collapsed into one key and refused as duplicates of each other.
    return `${NAME_KEY_PREFIX}~${fnv1a64(String(name).normalize('NFC').trim())}`;
  }
  let slug = '';
  for (const char of canonical) {
    if (char === ' ') slug += '-';
    else if (/[a-z0-9]/.test(char)) slug += char;
    // Fixed width, and "_" never survives canonicalisation, so escapes cannot collide with words.
    else slug += `_${(char.codePointAt(0) ?? 0).toString(16).padStart(6, '0')}`;
  }
  const room = MAX_KEY_LENGTH - NAME_KEY_PREFIX.length;
  if (slug.length > room) slug = `${slug.slice(0, room - 17)}~${fnv1a64(canonical)}`;
  return NAME_KEY_PREFIX + slug;
}

/** `ls14ap`, `LS1  4AP` → `LS1 4AP`; undefined when the text is not shaped like a UK postcode. */
export function normalisePostcode(text: string): string | undefined {
  const compact = String(text).replace(/\s+/gu, '').toUpperCase();
  if (!/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact)) return undefined;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

// Optional parts are written so that no two runs of spaces can trade characters: that would make
// the patterns quadratic on long runs of spaces.
const POSTCODE_LABEL = String.raw`(?:\bpost\s*code\s*(?:[:#.-]\s*)?)?`;
const POSTCODE = new RegExp(`${POSTCODE_LABEL}\\b([A-Z]{1,2}\\d[A-Z\\d]?)[ \\t\\u00A0]*(\\d[A-Z]{2})\\b`, 'giu');
// Only explicit labels: a bare "code" would take "Code Red Surgery" apart.
const CODE_LABEL = String.raw`\b(?:ods(?:\s*code)?|(?:org|organisation|organization|practice|trust)\s*code)\s*(?:[:#.-]\s*)?`;
// A labelled code may have any ODS shape, including all-letter trust codes such as RAE.
const LABELLED_CODE = new RegExp(`(?:${CODE_LABEL})\\b([A-Z][A-Z0-9]{2}|[A-Z]\\d[A-Z]\\d[A-Z]|[A-Z]\\d{5,6})\\b`, 'giu');
// All-letter three-character codes ("RAE", "RED") are words too often to be taken unbracketed.
const BRACKETED_CODE = /[([]\s*([RQT][A-Z0-9]{2})\s*[)\]]/gu;
// Practice codes (B82005, V00003, V104943), new-style five-character codes (G6V2S, D7T5G), and
// three-character trust/ICB codes with a digit (RR8, R0A, QE1).
const SHAPED_CODE = /\b([A-Z]\d{5,6}|[A-Z]\d[A-Z]\d[A-Z]|[RQT](?:\d[A-Z0-9]|[A-Z]\d))\b/giu;

/** Finds ODS codes and postcodes in a requested name; never throws. */
function findIdentifierSpans(text: string): IdentifierSpan[] {
  const source = String(text);
  const spans: IdentifierSpan[] = [];
  const taken = (start: number, end: number): boolean => spans.some((span) => start < span.end && end > span.start);
  const collect = (
    pattern: RegExp,
    kind: IdentifierSpan['kind'],
    toValue: (match: RegExpExecArray) => string | undefined,
    couldBeWord = false,
  ): void => {
    for (const match of source.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      const value = toValue(match);
      if (value !== undefined && !taken(start, end)) {
        spans.push({ kind, value, start, end, couldBeWord: couldBeWord && !/\d/.test(value) });
      }
    }
  };
  collect(POSTCODE, 'postcode', (match) => normalisePostcode(`${match[1] ?? ''}${match[2] ?? ''}`));
  collect(LABELLED_CODE, 'ods-code', (match) => match[1]?.toUpperCase());
  collect(BRACKETED_CODE, 'ods-code', (match) => match[1]?.toUpperCase(), true);
  collect(SHAPED_CODE, 'ods-code', (match) => match[1]?.toUpperCase());
  return spans.sort((a, b) => a.start - b.start);
}

/** Removes the given spans and tidies the separators and empty brackets they leave behind. */
function removeSpans(text: string, spans: readonly Pick<IdentifierSpan, 'start' | 'end'>[]): string {
  const source = String(text);
  let result = '';
  let position = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < position) continue;
    result += `${source.slice(position, span.start)} `;
    position = span.end;
  }
  result += source.slice(position);
  // "((B82005))" leaves nested empty brackets; a few rounds cover anything people type.
  for (let round = 0; round < 3; round += 1) result = result.replace(/[([{] ?[)\]}]/gu, '');
  result = result
    .replace(/\s+/gu, ' ')
    .replace(/ ([,;:])/gu, '$1')
    .replace(/([,;:\-\u2013\u2014/|])(?: ?[,;:\-\u2013\u2014/|])+/gu, '$1');
  return trimSeparators(result);
}

function trimSeparators(text: string): string {
  // A loop rather than /[…]+$/, which is quadratic on long runs of separators inside the text.
  const isSeparator = (char: string | undefined): boolean => char !== undefined && ' ,;:-\u2013\u2014/|'.includes(char);
  let start = 0;
  let end = text.length;
  while (start < end && isSeparator(text[start])) start += 1;
  while (end > start && isSeparator(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/**
 * `The Surgery (B82005)`, `The Surgery, LS1 4AP`, `RR8 Leeds Teaching Hospitals`: the codes and
 * postcodes, and the name without them. Which codes exist is for the directory to say.
 */
export function extractIdentifiers(text: string, options: ExtractOptions = {}): ExtractedIdentifiers {
  const { isKnownCode } = options;
  const spans = findIdentifierSpans(text).filter((span) => !span.couldBeWord || isKnownCode === undefined || isKnownCode(span.value));
  const unique = (kind: IdentifierSpan['kind']): string[] => [
    ...new Set(spans.filter((span) => span.kind === kind).map((span) => span.value)),
  ];
  const remainder = removeSpans(text, spans);
  // "RAE" on its own, or "RAE / RBN", can only be codes; inside a name an all-letter code is left
  // alone, as it is as likely to be a word.
  const words = remainder.split(/[^A-Za-z0-9]+/u).filter((word) => word !== '');
  if (isKnownCode !== undefined && words.length > 0 && words.every((word) => /^[A-Za-z0-9]{3,6}$/u.test(word) && isKnownCode(word.toUpperCase()))) {
    return { odsCodes: [...new Set([...unique('ods-code'), ...words.map((word) => word.toUpperCase())])], postcodes: unique('postcode'), remainder: '' };
  }
  return { odsCodes: unique('ods-code'), postcodes: unique('postcode'), remainder };
}

function joinSpelledLetters(words: readonly string[]): string[] {
  // "N.H.S." and "U K" become one word; a lone letter ("H Serv") is left for the directory.
  const result: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length >= 2) result.push(run.join(''));
    else result.push(...run);
    run = [];
  };
  for (const word of words) {
    if (/^[a-z]$/.test(word)) run.push(word);
    else {
      flush();
      result.push(word);
    }
  }
  flush();
  return result;
}

function rewriteWords(words: readonly string[]): string[] {
  const result: string[] = [];
  for (const [index, word] of words.entries()) {
    const previous = result[result.length - 1];
    const isLast = index === words.length - 1;
    if (word === 'ft' && (previous === 'nhs' || isLast)) result.push('foundation', 'trust');
    else if (word === 'tr' && previous === 'nhs' && isLast) result.push('trust');
    else if (word === 'care' && previous === 'h') result.splice(-1, 1, 'healthcare');
    else if (word === 'care' && previous === 'health') result.splice(-1, 1, 'healthcare');
    else result.push(...(WORD_REWRITES.get(word) ?? [word]));
  }
  // "Rotherham NHS Foundation" is a truncated legal name, not a different organisation.
  if (result.length >= 2 && result[result.length - 1] === 'foundation' && result[result.length - 2] === 'nhs') {
    result.push('trust');
  }
  return result;
}

/** FNV-1a, 64-bit: a stable, dependency-free hash for keys that would otherwise be too long. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * prime) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}
