/**
 * The award certificate put into an organisation's folder after a decision: one A4 landscape
 * page an organisation can print and display.
 *
 * Fonts and names. The certificate uses the standard Helvetica fonts every PDF reader has, so
 * nothing is embedded and the file stays a couple of kilobytes. Those fonts only cover Windows
 * Latin-1 (WinAnsi), so what is drawn goes through `certificateText` first: letters with
 * accents that WinAnsi lacks lose the accent (Welsh ŵ ŷ become w y; é, ö, ñ are kept), a few
 * lookalikes are mapped (ł → l, non-breaking hyphen → -), invisible and control characters are
 * dropped, and anything else (Arabic, Chinese, emoji) is drawn as "?", one per character as
 * the reader sees it. The certificate therefore always builds, but a name written in another
 * script is not shown properly: callers should check `certificateShowsExactly(name)` and have
 * staff look at such certificates. Embedding a Unicode font would need fontkit and a font
 * file, neither of which the project ships. The metadata (title, subject) is Unicode, so it
 * keeps the name as given, less controls and direction overrides.
 *
 * Layout. A long name is wrapped onto up to four lines and shrunk until it fits; a name too
 * long even then (far beyond any real organisation's) is cut with an ellipsis. Each level has
 * its own band colour, dark enough for white text to pass WCAG AA (at least 4.5:1).
 *
 * The page is not a tagged PDF (pdf-lib cannot write a structure tree); its text is real text
 * in reading order, and the title and language are set, which is what screen readers use.
 */
import { PageSizes, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { AWARD_LEVELS, formatAwardLevel, type AwardLevel } from '../domain/award.js';
import { formatUkDate, isUkDate, type UkDate } from '../domain/uk-dates.js';

export interface AwardCertificateInput {
  organisationName: string;
  level: AwardLevel;
  reference: string;
  awardedOn: UkDate;
  expiresOn: UkDate;
  /** Who awards it; "National work experience team" when not given. */
  issuer?: string;
  /** The PDF's creation and modification date; now when not given. */
  createdAt?: Date;
}

export const DEFAULT_CERTIFICATE_ISSUER = 'National work experience team';
const STANDARD_NAME = 'Work Experience Quality Standard';

// NHS identity colours: blue for the frame and heading, near-black and grey for text.
const NHS_BLUE = hex('#005eb8');
const NHS_DARK_BLUE = hex('#003087');
const TEXT = hex('#212b32');
const SECONDARY_TEXT = hex('#4c6272');
const WHITE = rgb(1, 1, 1);

/** Band colour per level, each at least 4.5:1 against the white level name drawn on it. */
export const LEVEL_BAND_COLOURS: Readonly<Record<AwardLevel, string>> = {
  gold: '#7a5c00',
  silver: '#5a5f66',
  bronze: '#8c4a1c',
};

const [PAGE_HEIGHT, PAGE_WIDTH] = PageSizes.A4;
const FRAME_INSET = 24;
const TEXT_WIDTH = PAGE_WIDTH - 2 * 80;
const NAME_BLOCK = { top: 338, bottom: 190 };
const NAME_SIZES = { largest: 30, smallest: 12 };
const NAME_MAX_LINES = 4;

export async function buildAwardCertificate(input: AwardCertificateInput): Promise<Uint8Array> {
  if (!AWARD_LEVELS.includes(input.level)) throw new RangeError(`Not an award level: ${String(input.level)}`);
  for (const date of [input.awardedOn, input.expiresOn]) if (!isUkDate(date)) throw new RangeError(`Not a UK date: ${date}`);
  const organisationName = cleanText(input.organisationName);
  // A certificate awarded to nobody is a bug upstream, not something to print.
  if (certificateText(organisationName) === '') throw new RangeError('The organisation name is empty.');
  const level = formatAwardLevel(input.level);
  const issuer = cleanText(input.issuer ?? '') || DEFAULT_CERTIFICATE_ISSUER;
  const reference = cleanText(input.reference);
  const awarded = formatUkDate(input.awardedOn, 'medium');
  const validUntil = formatUkDate(input.expiresOn, 'medium');
  const createdAt = input.createdAt ?? new Date();

  // No default metadata: pdf-lib would otherwise name itself as creator and stamp the time.
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(`${STANDARD_NAME}: ${level} award, ${organisationName}`, { showInWindowTitleBar: true });
  pdf.setSubject(`${level} award to ${organisationName}. Awarded ${awarded}, valid until ${validUntil}. Reference ${reference}.`);
  pdf.setAuthor(issuer);
  pdf.setCreator('weqs');
  pdf.setProducer('weqs');
  pdf.setKeywords([STANDARD_NAME, `${level} award`, reference]);
  pdf.setCreationDate(createdAt);
  pdf.setModificationDate(createdAt);
  pdf.setLanguage('en-GB');

  const page = pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);

  drawFrame(page);
  drawCentred(page, STANDARD_NAME, { font: bold, size: 30, y: 490, color: NHS_DARK_BLUE });

  const bandInset = FRAME_INSET + 8;
  const bandColour = hex(LEVEL_BAND_COLOURS[input.level]);
  page.drawRectangle({ x: bandInset, y: 388, width: PAGE_WIDTH - 2 * bandInset, height: 72, color: bandColour });
  drawCentred(page, level, { font: bold, size: 46, y: 407, color: WHITE });

  drawCentred(page, 'awarded to', { font: regular, size: 16, y: 352, color: TEXT });
  drawName(page, certificateText(organisationName), bold);

  drawCentred(page, certificateText(`Awarded ${awarded} · Valid until ${validUntil}`), { font: regular, size: 14, y: 150, color: TEXT });
  drawCentred(page, certificateText(`Reference ${reference}`), { font: regular, size: 12, y: 126, color: TEXT });

  page.drawLine({ start: { x: PAGE_WIDTH / 2 - 120, y: 96 }, end: { x: PAGE_WIDTH / 2 + 120, y: 96 }, thickness: 0.75, color: SECONDARY_TEXT });
  drawCentred(page, certificateText(issuer), { font: regular, size: 12, y: 76, color: SECONDARY_TEXT });

  return pdf.save();
}

// ---------------------------------------------------------------------------------------------
// Text the standard fonts can draw
// ---------------------------------------------------------------------------------------------

/** Unicode code points of WinAnsi bytes 0x80–0x9F; the rest of WinAnsi is Latin-1 itself. */
const WIN_ANSI_EXTRAS = [
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018, 0x2019, 0x201c,
  0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
];
const WIN_ANSI = new Set<number>(WIN_ANSI_EXTRAS);
for (let codePoint = 0x20; codePoint <= 0x7e; codePoint += 1) WIN_ANSI.add(codePoint);
for (let codePoint = 0xa1; codePoint <= 0xff; codePoint += 1) if (codePoint !== 0xad) WIN_ANSI.add(codePoint);

/** Letters and marks that have no accent to strip but an obvious Latin-1 stand-in. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ħ': 'h', 'Ħ': 'H', 'ı': 'i', 'ŀ': 'l', 'Ŀ': 'L', 'ŧ': 't', 'Ŧ': 'T', 'ĸ': 'k', 'ŉ': "'n",
  'ʼ': "'", '′': "'", '″': '"', '‐': '-', '‑': '-', '‒': '-', '−': '-', '⁄': '/', '․': '.', '‧': '·',
};

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` as the certificate draws it: only characters Helvetica can encode (see the module
 * comment). Differs from the cleaned input exactly when something could not be drawn as given.
 */
export function certificateText(text: string): string {
  let drawn = '';
  for (const { segment } of graphemes.segment(cleanText(text))) drawn += drawable(segment);
  return drawn;
}

function drawable(segment: string): string {
  // Soft hyphens, zero-width spaces and joiners draw nothing; Helvetica would show some of them.
  const grapheme = segment.replace(/\p{Cf}/gu, '');
  if (encodable(grapheme)) return grapheme;
  const withoutMarks = grapheme.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  if (withoutMarks !== '' && encodable(withoutMarks)) return withoutMarks;
  const lookalike = LOOKALIKES[withoutMarks];
  return lookalike ?? '?';
}

function encodable(text: string): boolean {
  for (const character of text) if (!WIN_ANSI.has(character.codePointAt(0) ?? 0)) return false;
  return true;
}

/** True when the certificate shows `text` as given, give or take spacing (see the module comment). */
export function certificateShowsExactly(text: string): boolean {
  return certificateText(text) === cleanText(text);
}

// Far longer than any organisation's name; bounds the work a hostile value can cause.
const MAX_TEXT_LENGTH = 1000;

/**
 * One line of plain text: Unicode normalised, any run of spacing (line breaks, tabs, odd
 * spaces) made one space, control characters, direction overrides and lone surrogates removed
 * (they draw nothing or reorder what is shown, in the page and in the metadata), and cut at
 * 1000 characters. Joiners stay: Persian spelling needs them, and the metadata keeps them.
 */
function cleanText(text: string): string {
  const cleaned = text
    .slice(0, 4 * MAX_TEXT_LENGTH)
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (character) => (/\s/.test(character) ? ' ' : ''))
    .replace(/[\s\p{Z}]+/gu, ' ')
    .trim();
  return Array.from(cleaned).slice(0, MAX_TEXT_LENGTH).join('').trimEnd();
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

interface TextStyle {
  font: PDFFont;
  size: number;
  y: number;
  color: RGB;
}

function drawFrame(page: PDFPage): void {
  const frame = (inset: number, thickness: number): void =>
    page.drawRectangle({
      x: inset,
      y: inset,
      width: PAGE_WIDTH - 2 * inset,
      height: PAGE_HEIGHT - 2 * inset,
      borderColor: NHS_BLUE,
      borderWidth: thickness,
    });
  frame(FRAME_INSET, 3);
  frame(FRAME_INSET + 6, 0.75);
}

/** Draws one line centred, shrinking it (down to 8 pt) and then cutting it if it is too wide. */
function drawCentred(page: PDFPage, text: string, style: TextStyle): void {
  let size = style.size;
  while (size > 8 && style.font.widthOfTextAtSize(text, size) > TEXT_WIDTH) size -= 1;
  const line = truncated(text, style.font, size, TEXT_WIDTH);
  const width = style.font.widthOfTextAtSize(line, size);
  page.drawText(line, { x: (PAGE_WIDTH - width) / 2, y: style.y, size, font: style.font, color: style.color });
}

function drawName(page: PDFPage, name: string, font: PDFFont): void {
  const { size, lines } = fitName(name, font);
  const lineHeight = size * 1.2;
  const blockHeight = lines.length * lineHeight;
  // Centre the block vertically in its space; the first baseline sits one ascent below the block's top.
  let y = (NAME_BLOCK.top + NAME_BLOCK.bottom) / 2 + blockHeight / 2 - size;
  for (const line of lines) {
    const width = font.widthOfTextAtSize(line, size);
    page.drawText(line, { x: (PAGE_WIDTH - width) / 2, y, size, font, color: TEXT });
    y -= lineHeight;
  }
}

/** The largest size at which the name fits the block in at most four lines, else the smallest size, cut. */
function fitName(name: string, font: PDFFont): { size: number; lines: string[] } {
  for (let size = NAME_SIZES.largest; size >= NAME_SIZES.smallest; size -= 1) {
    const lines = wrap(name, font, size);
    if (lines.length <= NAME_MAX_LINES && lines.length * size * 1.2 <= NAME_BLOCK.top - NAME_BLOCK.bottom) return { size, lines };
  }
  const size = NAME_SIZES.smallest;
  const lines = wrap(name, font, size);
  const kept = lines.slice(0, NAME_MAX_LINES);
  const last = kept.length - 1;
  kept[last] = truncated(`${kept[last] ?? ''} ${lines.slice(NAME_MAX_LINES).join(' ')}`, font, size, TEXT_WIDTH);
  return { size, lines: kept };
}

/** Greedy word wrap; a word wider than a line (a long unbroken string) is split where it must be. */
function wrap(text: string, font: PDFFont, size: number): string[] {
  const fits = (candidate: string): boolean => font.widthOfTextAtSize(candidate, size) <= TEXT_WIDTH;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    for (const character of word) {
      if (line !== '' && !fits(line + character)) {
        lines.push(line);
        line = '';
      }
      line += character;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function truncated(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let kept = text;
  while (kept !== '' && font.widthOfTextAtSize(`${kept}…`, size) > width) kept = kept.slice(0, -1);
  return `${kept.trimEnd()}…`;
}

function hex(colour: string): RGB {
  const value = Number.parseInt(colour.slice(1), 16);
  return rgb(((value >> 16) & 0xff) / 255, ((value >> 8) & 0xff) / 255, (value & 0xff) / 255);
}
