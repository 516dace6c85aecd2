/**
 * Recognises an application request from the subject people are asked to type:
 * `Work Experience Quality Standard – [health organisation name]`.
 *
 * The inbox is shared and read by people, so anything that is not clearly a request is
 * `not-a-request` and stays untouched. Tolerance is for the ways people and mail systems mangle
 * the template (dashes, prefixes, spacing, brackets), never for guessing intent.
 */

export type SubjectClassification =
  | { kind: 'request'; organisationName: string }
  | { kind: 'request-without-organisation'; reason: 'missing-name' | 'placeholder-name' | 'unusable-name' }
  | { kind: 'not-a-request' };

/** Counted in code points so that non-Latin names get the same allowance as Latin ones. */
export const MAX_ORGANISATION_NAME_LENGTH = 200;

// Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
// sign, small em dash, small and fullwidth hyphen-minus, then ASCII and fullwidth colon.
const DASHES = ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE58', '\uFE63', '\uFF0D'];
const SEPARATORS = [...DASHES, ':', '\uFF1A'];
const SEPARATOR_CLASS = SEPARATORS.map((char) => `\\u{${char.codePointAt(0)?.toString(16) ?? ''}}`).join('');
const SEPARATOR_RUN = new RegExp(`^[\\s${SEPARATOR_CLASS}]+`, 'u');
const HAS_SEPARATOR = new RegExp(`[${SEPARATOR_CLASS}]`, 'u');
const TRIMMED_AT_START: ReadonlySet<string> = new Set([' ', ...SEPARATORS]);
// A trailing full stop, comma or semicolon is typing, not naming; apostrophes and brackets are
// kept because names end with them ("Guy's and St Thomas'", "… (RR8)").
const TRIMMED_AT_END: ReadonlySet<string> = new Set([...TRIMMED_AT_START, '.', ',', ';']);

// Only reply/forward markers are skipped: any other prefix ("Automatic reply:", "Undeliverable:",
// "Accepted:", "Read:") means a machine or a calendar wrote the subject, so it must not match.
// Outlook localises them: AW/WG (German), SV/VS (Nordic), Antw/Doorst (Dutch), TR (French
// "transféré"), RIF/I (Italian), RES/ENC (Portuguese), RV (Spanish), Odp/PD (Polish).
const REPLY_OR_FORWARD = /^(?:re|fwd?|aw|wg|sv|vs|antw|doorst|tr|rif|res|enc|rv|odp|pd)\s*(?:\[\d{1,3}\]|\(\d{1,3}\))?\s*[:\uFF1A]\s*/i;

// A whitelist rather than "any leading [tag]": an unknown tag may be a gateway verdict such as
// [SPAM] or [SUSPICIOUS], and those messages are for people to look at. SECURE is the tag NHSmail
// users type to get a message encrypted; OFFICIAL… are UK government protective markings.
const GATEWAY_TAGS =
  'external(?:[\\s-]+(?:e-?mail|mail|message|sender))?|ext|caution(?:[\\s:-]*external)?|secure|encrypt(?:ed)?|' +
  'official(?:[\\s-]+sensitive)?|not[\\s-]+protectively[\\s-]+marked|unclassified';
// "[EXTERNAL]", "EXTERNAL:", and the asterisked "*EXTERNAL*" some gateways stamp.
const LEADING_GATEWAY_TAG = new RegExp(
  `^(?:\\[\\s*(?:${GATEWAY_TAGS})\\s*\\]|\\*+\\s*(?:${GATEWAY_TAGS})\\s*\\*+\\s*[:\\uFF1A]?|(?:${GATEWAY_TAGS})\\s*[:\\uFF1A])\\s*`,
  'i',
);
const TRAILING_GATEWAY_TAG = new RegExp(`\\s*\\[\\s*(?:${GATEWAY_TAGS})\\s*\\]$`, 'i');

// Spacing between the words is optional because a zero-width character is sometimes all that
// separates them, and it is removed before matching.
const PHRASE = /^work[\s\-\u2010\u2011]*experience\s*quality\s*standards?(?![\p{L}\p{N}])\s*/iu;
const OPTIONAL_WORDS = /^(?:(?:application|request|form)(?![\p{L}\p{N}])\s*)+/iu;

// The template's own words, in the forms people leave them: "[health organisation name]",
// "<Organisation Name>", "[insert trust name]", "[name of organisation]", "XXX". Matched after
// lower-casing, spelling "organization" the British way and replacing brackets and quotes by spaces.
const ORGANISATION_WORD = '(?:(?:health\\s*care|health|nhs)\\s+)?(?:organisation|trust|provider)';
const PLACEHOLDER = new RegExp(
  [
    `^(?:(?:insert|enter|add)\\s+)?(?:your\\s+|the\\s+)?${ORGANISATION_WORD}(?:\\s+name)?(?:\\s+here)?$`,
    `^name\\s+of\\s+(?:your\\s+|the\\s+)?${ORGANISATION_WORD}$`,
    '^(?:name|x+)$',
  ].join('|'),
);

/** Bounds the clean-up loop so that pathological nesting cannot make classification slow. */
const MAX_CLEANING_ROUNDS = 16;

export function classifySubject(subject: string | null | undefined): SubjectClassification {
  if (typeof subject !== 'string') return { kind: 'not-a-request' };

  let rest = unquote(normaliseText(stripTerminalEscapes(decodeEncodedWords(stripTerminalEscapes(subject)))));
  for (let match = leadingPrefix(rest); match !== null; match = leadingPrefix(rest)) {
    rest = unquote(rest.slice(match.length));
  }

  const phrase = PHRASE.exec(rest);
  if (phrase === null) return { kind: 'not-a-request' };
  rest = skipOptionalWords(rest.slice(phrase[0].length));

  if (/^[.,;]*$/.test(rest)) return { kind: 'request-without-organisation', reason: 'missing-name' };

  const separator = SEPARATOR_RUN.exec(rest)?.[0];
  if (separator !== undefined && HAS_SEPARATOR.test(separator)) {
    rest = rest.slice(separator.length);
  } else if (!rest.startsWith('[')) {
    // Phrase then words with no separator ("Work Experience Quality Standard deadline query") is
    // more often a conversation with staff about the standard than a request, and taking those
    // words as an organisation would provision a folder for "deadline query". Leave it to people.
    return { kind: 'not-a-request' };
  }

  return classifyName(cleanName(withoutTrailingSentence(rest)));
}

// ECMA-48 control sequences (colours, cursor moves, titles) as they appear in subjects pasted from
// a terminal or sent to attack one: CSI ... final byte, OSC ... BEL/ST, and two-byte escapes.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_ESCAPES = /(?:\u001B\[|\u009B)[0-?]*[ -/]*[@-~]|(?:\u001B\]|\u009D)[^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C)?|\u001B[@-Z\\-_]/gu;

function stripTerminalEscapes(text: string): string {
  return text.replace(TERMINAL_ESCAPES, '');
}

// RFC 2047 encoded words that a mail system failed to decode ("=?UTF-8?B?...?="). Whitespace
// between two adjacent encoded words is not part of the text (RFC 2047 section 6.2).
const ENCODED_WORD = /=\?([\w.:-]{1,40})(?:\*[\w-]{1,20})?\?([BbQq])\?([^?\s]{0,900})\?=/g;
const BETWEEN_ENCODED_WORDS = /(\?=)\s+(?==\?[\w.:-]{1,40}(?:\*[\w-]{1,20})?\?[BbQq]\?)/g;

function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  return text.replace(BETWEEN_ENCODED_WORDS, '$1').replace(ENCODED_WORD, (whole, charset: string, encoding: string, payload: string) => {
    try {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : quotedPrintableWord(payload);
      return new TextDecoder(charset.toLowerCase(), { fatal: true }).decode(bytes);
    } catch {
      return whole;
    }
  });
}

function quotedPrintableWord(payload: string): Uint8Array {
  const bytes: number[] = [];
  for (let index = 0; index < payload.length; index += 1) {
    const char = payload.charAt(index);
    const hex = payload.slice(index + 1, index + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else bytes.push(char === '_' ? 0x20 : char.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(bytes);
}

const QUOTE_PAIRS: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["'", "'"],
  ['\u201C', '\u201D'],
  ['\u201E', '\u201C'],
  ['\u2018', '\u2019'],
  ['\u00AB', '\u00BB'],
  ['\u300C', '\u300D'],
]);

/** A subject quoted as a whole: the quotes are not part of it (the name may carry its own). */
function unquote(text: string): string {
  let result = text;
  for (let round = 0; round < 4; round += 1) {
    const close = QUOTE_PAIRS.get(result.charAt(0));
    if (close === undefined || result.length < 2 || !result.endsWith(close)) break;
    result = result.slice(1, -1).trim();
  }
  return result;
}

// A name, then punctuation, then a sentence to staff: "Acme Care. We would like to apply",
// "Acme Care - please send the form", "Acme Care, please find attached". Names do not go on
// after such punctuation with these words, so the sentence is dropped.
const TRAILING_SENTENCE = /\s*(?:[.!?;,]|\s[-\u2013\u2014])\s+(?:please|kindly|we\s+(?:are|would|wish|want|have|need)|we're|we'd|i'm|i'd|i\s+(?:am|would|want|wish|have)|our|could|would|thanks?|thank\s+you|many\s+thanks|kind\s+regards|best\s+wishes|attached|find\s+attached|hello|dear|regards|request(?:ing)?|applying|apply|application\s+(?:for|form|attached))(?=[\s,.!?:;]|$)[\s\S]*$/iu;

function withoutTrailingSentence(text: string): string {
  const match = TRAILING_SENTENCE.exec(text);
  return match === null || match.index === 0 ? text : text.slice(0, match.index);
}

function classifyName(name: string): SubjectClassification {
  if (name === '') return { kind: 'request-without-organisation', reason: 'missing-name' };
  if (isPlaceholder(name)) return { kind: 'request-without-organisation', reason: 'placeholder-name' };
  if (!/[\p{L}\p{N}]/u.test(name) || codePointCount(name) > MAX_ORGANISATION_NAME_LENGTH) {
    return { kind: 'request-without-organisation', reason: 'unusable-name' };
  }
  return { kind: 'request', organisationName: name };
}

function codePointCount(text: string): number {
  // A code point takes at most two code units, so past 400 units the count is over 200 anyway.
  return text.length > 2 * MAX_ORGANISATION_NAME_LENGTH ? text.length : [...text].length;
}

/**
 * Removes what a person cannot see or did not mean: format characters (zero-width, bidi
 * overrides and isolates, soft hyphen, BOM), lone surrogates and control characters. Line breaks,
 * tabs and exotic spaces become one ordinary space. Format characters go first because the BOM
 * counts as whitespace in JavaScript yet is invisible, and before NFC so that a base letter and
 * its accent separated by a zero-width character compose.
 */
function normaliseText(text: string): string {
  return text
    .replace(/[\p{Cf}\p{Cs}]/gu, '')
    .replace(/\s/gu, ' ')
    .replace(/\p{Cc}/gu, '')
    .normalize('NFC')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function skipOptionalWords(text: string): string {
  return text.slice(OPTIONAL_WORDS.exec(text)?.[0].length ?? 0);
}

/**
 * The optional words may also follow the separator ("… – application form – Acme"); they are
 * only skipped there when nothing or another separator follows, because after the separator they
 * could begin a name.
 */
function skipOptionalWordsBeforeSeparator(text: string): string {
  const tail = skipOptionalWords(text);
  return tail !== text && (tail === '' || HAS_SEPARATOR.test(tail.charAt(0))) ? tail : text;
}

function leadingPrefix(text: string): string | null {
  return REPLY_OR_FORWARD.exec(text)?.[0] ?? LEADING_GATEWAY_TAG.exec(text)?.[0] ?? null;
}

function cleanName(raw: string): string {
  let name = raw;
  for (let round = 0; round < MAX_CLEANING_ROUNDS; round += 1) {
    const before = name;
    name = trimChars(name, TRIMMED_AT_START, TRIMMED_AT_END);
    name = skipOptionalWordsBeforeSeparator(name);
    name = name.endsWith(']') ? name.replace(TRAILING_GATEWAY_TAG, '') : name;
    name = unwrapSquareBrackets(name);
    if (name === before) break;
  }
  return name;
}

/** Character-by-character rather than a regex, whose backtracking on long runs is quadratic. */
function trimChars(text: string, atStart: ReadonlySet<string>, atEnd: ReadonlySet<string>): string {
  let start = 0;
  let end = text.length;
  while (start < end && atStart.has(text.charAt(start))) start += 1;
  while (end > start && atEnd.has(text.charAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

/**
 * People copy the template's brackets around their name. Brackets that enclose the whole name
 * are removed, as is a lone unmatched one at either end (a typo); brackets that only enclose part
 * of the name ("Acme [RR8]") belong to the name.
 */
function unwrapSquareBrackets(name: string): string {
  const enclosing = unwrapEnclosing(name);
  if (enclosing !== name) return enclosing;
  const opensAtStart = name.startsWith('[');
  const closesAtEnd = name.endsWith(']');
  if (opensAtStart && closesAtEnd && matchingClose(name) === name.length - 1) return name.slice(1, -1);
  if (opensAtStart && !name.includes(']')) return name.slice(1);
  if (closesAtEnd && !name.includes('[')) return name.slice(0, -1);
  return name;
}

const ENCLOSING_PAIRS: ReadonlyMap<string, string> = new Map([
  ['(', ')'],
  ['{', '}'],
  ['\u3010', '\u3011'],
  ...QUOTE_PAIRS,
]);

/** "(Acme Care)", "{Acme Care}", "“Acme Care”": brackets or quotes around the whole name ("<…>" stays: it may be markup, shown as text). */
function unwrapEnclosing(name: string): string {
  const close = ENCLOSING_PAIRS.get(name.charAt(0));
  if (close === undefined || name.length < 3 || !name.endsWith(close)) return name;
  const inner = name.slice(1, -1);
  const open = name.charAt(0);
  // Only when the opening one is closed at the very end: "(RR8) Leeds (Main)" stays as it is.
  if (open !== close && (inner.includes(close) || inner.includes(open))) return name;
  if (open === close && inner.includes(close) && close !== "'") return name;
  return inner.trim();
}

function matchingClose(text: string): number {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (char === '[') depth += 1;
    if (char === ']') depth -= 1;
    if (depth === 0) return index;
  }
  return -1;
}

function isPlaceholder(name: string): boolean {
  const key = name
    .toLowerCase()
    .replace(/[[\]<>{}()"'“”‘’*_]/g, ' ')
    .replace(/organization/g, 'organisation')
    .replace(/\s+/g, ' ')
    .trim();
  return PLACEHOLDER.test(key);
}
