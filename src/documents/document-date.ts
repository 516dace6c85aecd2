/**
 * The date an evidence document carries inside itself, used to judge whether evidence is current
 * in place of SharePoint's last-modified time, which changes whenever someone re-uploads an old
 * document.
 *
 * Rules:
 * - The kind of file is decided by its extension AND its first bytes; when they disagree (a PDF
 *   renamed .docx) there is no document date: Word or Acrobat would not open it either.
 * - Office Open XML (.docx, .xlsx, .pptx, their macro, template and show variants, .xlsb): the
 *   core properties part (found through the package relationships, normally
 *   `docProps/core.xml`): `dcterms:modified`, else `dcterms:created` (W3CDTF).
 * - PDF: the document information dictionary's `/ModDate`, else its `/CreationDate`, else the
 *   XMP `xmp:ModifyDate`, else `xmp:CreateDate`. Only the first and last 64 KB are looked at,
 *   which is where writers put the trailer, the information dictionary and the XMP packet. The
 *   dictionary is the one the trailer's `/Info` names (so an attachment's or a comment's
 *   dates are not mistaken for the document's), looked for as a plain object and inside
 *   compressed object streams in those 64 KB windows. Only when no trailer is found (a
 *   truncated download) is any `/ModDate` or `/CreationDate` in the windows taken.
 *   Encrypted PDFs have encrypted dictionary strings, so only their XMP is used.
 * - A value earlier than 1990 or more than a day after `now` is a wrong clock or a broken
 *   writer; it is skipped and the next rule is tried.
 * - A time without a zone is taken as UK local time, so the UK calendar date is the one written;
 *   a date without a time is the start of that day (the earliest it can mean: never newer than
 *   the file says).
 * - Anything else, or anything unreadable, gives `undefined`, and the caller falls back to the
 *   last-modified time. This function never throws.
 *
 * Safety: only the two small zip parts needed are inflated, each capped both on its declared
 * size and on its compressed size (the declared size can lie, and fflate then keeps decoding
 * into a fixed buffer, so the compressed cap is what bounds the work). XML with a DTD is refused
 * and entities are never expanded. PDF object streams are inflated chunk by chunk and abandoned
 * at a cap. Every regular expression matches in linear time on bounded text.
 */
import { Buffer } from 'node:buffer';
import { TZDate } from '@date-fns/tz';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { strFromU8, unzipSync, Unzlib } from 'fflate';
import { UK_TIME_ZONE } from '../domain/uk-dates.js';

const OFFICE_EXTENSIONS = new Set([
  'docx', 'docm', 'dotx', 'dotm',
  'xlsx', 'xlsm', 'xltx', 'xltm', 'xlsb',
  'pptx', 'pptm', 'potx', 'potm', 'ppsx', 'ppsm',
]);

const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);
const FUTURE_TOLERANCE_MS = 86_400_000;

/**
 * The document's own date, or `undefined` when the file has none we trust. `now` is only used
 * to reject dates in the future.
 */
export function documentDate(fileName: string, bytes: Uint8Array, now: Date = new Date()): Date | undefined {
  try {
    const dot = fileName.lastIndexOf('.');
    const extension = dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
    const candidates = OFFICE_EXTENSIONS.has(extension)
      ? officeDates(bytes)
      : extension === 'pdf'
        ? pdfDates(bytes)
        : [];
    const latestPlausible = now.getTime() + FUTURE_TOLERANCE_MS;
    return candidates.find((date) => date !== undefined && date.getTime() >= EARLIEST_PLAUSIBLE && date.getTime() <= latestPlausible);
  } catch {
    // Stack exhaustion on absurd nesting or a bug on input nobody foresaw: the caller still
    // has the last-modified time, so a missing date is the right answer.
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Office Open XML
// ---------------------------------------------------------------------------------------------

const PACKAGE_RELATIONSHIPS = '_rels/.rels';
const DEFAULT_CORE_PROPERTIES = 'docprops/core.xml';
// Real parts are around a kilobyte; see the module comment for why both caps exist.
const MAX_PART_BYTES = 1024 * 1024;
const MAX_COMPRESSED_PART_BYTES = 8 * 1024;

function officeDates(bytes: Uint8Array): (Date | undefined)[] {
  if (!(bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) return [];
  const parts = smallParts(bytes, [PACKAGE_RELATIONSHIPS, DEFAULT_CORE_PROPERTIES]);
  const relationships = parts.get(PACKAGE_RELATIONSHIPS);
  const coreName = (relationships === undefined ? undefined : corePropertiesPartName(relationships)) ?? DEFAULT_CORE_PROPERTIES;
  const core = parts.get(coreName) ?? smallParts(bytes, [coreName]).get(coreName);
  if (core === undefined) return [];
  const properties = parseXml(core, []);
  const root = properties?.coreProperties;
  if (!isRecord(root)) return [];
  return [parseW3cDate(textOf(root.modified)), parseW3cDate(textOf(root.created))];
}

/** Zip entries by lower-cased name, as OPC part names are case-insensitive. */
function smallParts(bytes: Uint8Array, names: readonly string[]): Map<string, string> {
  const entries = unzipSync(bytes, {
    filter: (file) =>
      names.includes(file.name.toLowerCase()) && file.originalSize <= MAX_PART_BYTES && file.size <= MAX_COMPRESSED_PART_BYTES,
  });
  const parts = new Map<string, string>();
  for (const [name, content] of Object.entries(entries)) parts.set(name.toLowerCase(), strFromU8(content).replace(/^\uFEFF/, ''));
  return parts;
}

function corePropertiesPartName(relationshipsXml: string): string | undefined {
  const relationships = parseXml(relationshipsXml, ['Relationship'])?.Relationships;
  if (!isRecord(relationships) || !Array.isArray(relationships.Relationship)) return undefined;
  for (const relationship of relationships.Relationship as unknown[]) {
    if (!isRecord(relationship)) continue;
    const { Type: type, Target: target } = relationship;
    if (typeof type === 'string' && typeof target === 'string' && type.endsWith('/metadata/core-properties')) {
      return target.replace(/^\.?\//, '').toLowerCase();
    }
  }
  return undefined;
}

const xmlParser = (arrays: readonly string[]): XMLParser =>
  new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => arrays.includes(name),
  });

function parseXml(xml: string, arrays: readonly string[]): Record<string, unknown> | undefined {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml) || XMLValidator.validate(xml) !== true) return undefined;
  const parsed: unknown = xmlParser(arrays).parse(xml);
  return isRecord(parsed) ? parsed : undefined;
}

/** An element's text whether or not it has attributes (`xsi:type="dcterms:W3CDTF"`). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value['#text'] === 'string') return value['#text'];
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------

const PDF_WINDOW_BYTES = 64 * 1024;
const MAX_OBJECT_STREAMS = 32;
const MAX_OBJECT_STREAM_BYTES = 1024 * 1024;
const MAX_INFLATED_BYTES = 2 * 1024 * 1024;
const INFLATE_CHUNK_BYTES = 64;

function pdfDates(bytes: Uint8Array): (Date | undefined)[] {
  // The specification lets junk precede the header; readers look at the first kilobyte.
  if (!latin1(bytes.subarray(0, 1024)).includes('%PDF-')) return [];
  const text = scannedText(bytes);
  const encrypted = /\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/.test(text);
  const info = encrypted ? '' : informationDictionary(text);
  return [
    parsePdfDate(lastStringValue(info, 'ModDate')),
    parsePdfDate(lastStringValue(info, 'CreationDate')),
    parseW3cDate(lastXmpValue(text, 'ModifyDate')),
    parseW3cDate(lastXmpValue(text, 'CreateDate')),
  ];
}

/** The first and last 64 KB as latin1 (one character per byte), in file order. */
function scannedText(bytes: Uint8Array): string {
  if (bytes.length <= 2 * PDF_WINDOW_BYTES) return latin1(bytes);
  const head = latin1(bytes.subarray(0, PDF_WINDOW_BYTES));
  const tail = latin1(bytes.subarray(bytes.length - PDF_WINDOW_BYTES));
  return `${head}\n${tail}`;
}

/** The text of the information dictionary, or of every object we could see when there is no trailer. */
function informationDictionary(text: string): string {
  const reference = lastMatch(text, /\/Info\s+(\d{1,10})\s+(\d{1,5})\s+R/g);
  if (reference === undefined) return [text, ...objectStreams(text)].join('\n');
  const [, objectNumber = '', generation = ''] = reference;
  return plainObject(text, objectNumber, generation) ?? objectInStreams(text, Number(objectNumber)) ?? '';
}

function plainObject(text: string, objectNumber: string, generation: string): string | undefined {
  const header = lastMatch(text, new RegExp(`(?<![0-9])${objectNumber}\\s+${generation}\\s+obj\\b`, 'g'));
  if (header === undefined) return undefined;
  const start = header.index + header[0].length;
  const end = text.indexOf('endobj', start);
  return text.slice(start, end < 0 ? start + PDF_WINDOW_BYTES : end);
}

/** The latest copy of an object stored in one of the object streams within the windows. */
function objectInStreams(text: string, objectNumber: number): string | undefined {
  let found: string | undefined;
  for (const stream of objectStreams(text)) {
    const numbers = stream.header.trim().split(/\s+/).map(Number);
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      if (numbers[i] !== objectNumber) continue;
      const offset = numbers[i + 1] ?? 0;
      const next = numbers[i + 3];
      found = stream.body.slice(offset, next === undefined ? undefined : next);
    }
  }
  return found;
}

interface ObjectStream {
  /** Pairs of object number and offset into `body`. */
  header: string;
  body: string;
}

function objectStreams(text: string): ObjectStream[] {
  const streams: ObjectStream[] = [];
  let budget = MAX_INFLATED_BYTES;
  for (const marker of text.matchAll(/\/Type\s*\/ObjStm\b/g)) {
    if (streams.length >= MAX_OBJECT_STREAMS || budget <= 0) break;
    const dictionaryStart = text.lastIndexOf('obj', marker.index);
    const keyword = text.indexOf('stream', marker.index);
    if (dictionaryStart < 0 || keyword < 0) continue;
    const dictionary = text.slice(dictionaryStart, keyword);
    const first = /\/First\s+(\d{1,9})/.exec(dictionary);
    if (first === null || !/\/Filter\s*\[?\s*\/(?:FlateDecode|Fl)\b/.test(dictionary) || /\/Predictor/.test(dictionary)) continue;
    const data = streamData(text, keyword + 'stream'.length, dictionary);
    const inflated = inflateCapped(data, Math.min(MAX_OBJECT_STREAM_BYTES, budget));
    budget -= inflated.length;
    const content = latin1(inflated);
    const firstOffset = Number(first[1]);
    streams.push({ header: content.slice(0, firstOffset), body: content.slice(firstOffset) });
  }
  return streams;
}

function streamData(text: string, afterKeyword: number, dictionary: string): Uint8Array {
  const start = afterKeyword + (text.startsWith('\r\n', afterKeyword) ? 2 : text[afterKeyword] === '\n' || text[afterKeyword] === '\r' ? 1 : 0);
  const declared = /\/Length\s+(\d{1,9})(?!\d|\s+\d+\s+R)/.exec(dictionary);
  const endKeyword = text.indexOf('endstream', start);
  const end = declared !== null ? start + Number(declared[1]) : endKeyword < 0 ? text.length : endKeyword;
  return latin1Bytes(text.slice(start, Math.min(end, text.length)));
}

/**
 * Inflates zlib data a little at a time, stopping at `cap`: 64 bytes inflate to at most about
 * 64 KB, so a bomb is abandoned early. A damaged stream yields what came out before the damage.
 */
function inflateCapped(data: Uint8Array, cap: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const inflater = new Unzlib((chunk) => {
    chunks.push(chunk);
    length += chunk.length;
  });
  try {
    for (let offset = 0; offset < data.length && length < cap; offset += INFLATE_CHUNK_BYTES) {
      inflater.push(data.subarray(offset, offset + INFLATE_CHUNK_BYTES), offset + INFLATE_CHUNK_BYTES >= data.length);
    }
  } catch {
    // Keep the output so far: the objects before the damage are still readable.
  }
  const output = new Uint8Array(Math.min(length, cap));
  let written = 0;
  for (const chunk of chunks) {
    if (written >= output.length) break;
    const part = chunk.subarray(0, output.length - written);
    output.set(part, written);
    written += part.length;
  }
  return output;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function latin1Bytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** The last `/Key (string)` or `/Key <hex>` in `text`, decoded. */
function lastStringValue(text: string, key: 'ModDate' | 'CreationDate'): string | undefined {
  const match = lastMatch(text, new RegExp(`/${key}\\s*(\\((?:[^()\\\\]|\\\\[\\s\\S]){0,200}\\)|<[0-9A-Fa-f\\s]{0,400}>)`, 'g'));
  return match?.[1] === undefined ? undefined : decodePdfString(match[1]);
}

function decodePdfString(token: string): string {
  const bytes = token.startsWith('(') ? literalStringBytes(token.slice(1, -1)) : hexStringBytes(token.slice(1, -1));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder().decode(bytes.subarray(3));
  return latin1(bytes);
}

const LITERAL_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, b: 8, f: 12 };

function literalStringBytes(body: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] ?? '';
    if (char !== '\\') {
      bytes.push(char.charCodeAt(0) & 0xff);
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4));
    if (octal !== null) {
      bytes.push(Number.parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
    } else if (next === '\r' || next === '\n') {
      // A backslash before a line break continues the string on the next line.
      i += next === '\r' && body[i + 2] === '\n' ? 2 : 1;
    } else {
      bytes.push(LITERAL_ESCAPES[next] ?? (next.charCodeAt(0) & 0xff));
      i += 1;
    }
  }
  return Uint8Array.from(bytes);
}

function hexStringBytes(body: string): Uint8Array {
  const digits = body.replace(/\s+/g, '');
  const padded = digits.length % 2 === 0 ? digits : `${digits}0`;
  const bytes = new Uint8Array(padded.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** `xmp:ModifyDate="…"` or `<xmp:ModifyDate>…</xmp:ModifyDate>`; `xap:` is what older Acrobat wrote. */
function lastXmpValue(text: string, property: 'ModifyDate' | 'CreateDate'): string | undefined {
  const match = lastMatch(text, new RegExp(`(?:xmp|xap):${property}(?:\\s*=\\s*["']([^"'<>]{1,64})["']|>([^<>]{1,64})<)`, 'g'));
  return match === undefined ? undefined : (match[1] ?? match[2]);
}

function lastMatch(text: string, pattern: RegExp): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) last = match;
  return last;
}

// ---------------------------------------------------------------------------------------------
// Date formats
// ---------------------------------------------------------------------------------------------

/**
 * PDF dates: `D:YYYYMMDDHHmmSSOHH'mm'`, where everything after the year is optional. Writers
 * also leave out `D:`, the apostrophes or the offset's minutes, write `Z00'00'`, or pad with
 * spaces and NULs; all of those are read. A value that is really W3CDTF (some writers put XMP
 * style dates in the dictionary) is read as such.
 */
const PDF_DATE =
  /^(?:D\s*:)?\s*(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz+-])\s*(?:(\d{2})\s*'?\s*(?:(\d{2})\s*'?)?)?)?$/;

function parsePdfDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const text = value.replace(/[\s\0]+$/, '').trim();
  if (/^\d{4}-\d{2}/.test(text)) return parseW3cDate(text);
  const match = PDF_DATE.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes] = match;
  return dateFrom({ year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes });
}

/** W3CDTF (a profile of ISO 8601): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, then `Thh:mm[:ss[.s]]TZD`. */
const W3C_DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?)?)?$/;

function parseW3cDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const match = W3C_DATE.exec(value.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, zulu, sign, offsetHours, offsetMinutes] = match;
  return dateFrom({ year, month, day, hour, minute, second, sign: zulu ?? sign, offsetHours, offsetMinutes });
}

interface DateFields {
  year: string | undefined;
  month: string | undefined;
  day: string | undefined;
  hour: string | undefined;
  minute: string | undefined;
  second: string | undefined;
  /** `Z`/`z`, `+` or `-`; absent when the writer gave no zone. */
  sign: string | undefined;
  offsetHours: string | undefined;
  offsetMinutes: string | undefined;
}

function dateFrom(fields: DateFields): Date | undefined {
  const number = (text: string | undefined, fallback: number): number => (text === undefined ? fallback : Number(text));
  const year = number(fields.year, Number.NaN);
  const month = number(fields.month, 1);
  const day = number(fields.day, 1);
  const hour = number(fields.hour, 0);
  const minute = number(fields.minute, 0);
  // Some writers emit leap second 60; the minute is what matters here.
  const second = Math.min(number(fields.second, 0), 59);
  const offsetHours = number(fields.offsetHours, 0);
  const offsetMinutes = number(fields.offsetMinutes, 0);
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;

  if (fields.sign === undefined) return new Date(new TZDate(year, month - 1, day, hour, minute, second, UK_TIME_ZONE).getTime());
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000;
  const direction = fields.sign === '+' ? 1 : fields.sign === '-' ? -1 : 0;
  return new Date(utc.getTime() - direction * offsetMs);
}

function daysInMonth(year: number, month: number): number {
  // setUTCFullYear, unlike Date.UTC, does not move years below 100 into the 1900s.
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0);
  return lastDay.getUTCDate();
}
