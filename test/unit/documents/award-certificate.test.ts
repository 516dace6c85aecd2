import fc from 'fast-check';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream, StandardFonts, type PDFFont, type PDFString } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import {
  buildAwardCertificate,
  certificateShowsExactly,
  certificateText,
  DEFAULT_CERTIFICATE_ISSUER,
  LEVEL_BAND_COLOURS,
  type AwardCertificateInput,
} from '../../../src/documents/award-certificate.js';
import { AWARD_LEVELS } from '../../../src/domain/award.js';

const input = (overrides: Partial<AwardCertificateInput> = {}): AwardCertificateInput => ({
  organisationName: 'Example Hospitals NHS Foundation Trust',
  level: 'gold',
  reference: 'WEQS-2026-0042',
  awardedOn: '2026-04-10',
  expiresOn: '2028-04-10',
  createdAt: new Date('2026-04-10T14:15:16Z'),
  ...overrides,
});

const A4_LANDSCAPE = { width: 841.89, height: 595.28 };

interface DrawnLine {
  text: string;
  size: number;
  x: number;
  y: number;
  bold: boolean;
}

/** The lines of text drawn on the page, read back from its decompressed content streams. */
async function drawnLines(bytes: Uint8Array): Promise<DrawnLine[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const contents = pdf.getPage(0).node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents];
  const operators = streams
    .filter((stream): stream is PDFRawStream => stream instanceof PDFRawStream)
    .map((stream) => Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1'))
    .join('\n');
  const lines: DrawnLine[] = [];
  for (const match of operators.matchAll(/\/(Helvetica(?:-Bold)?)-\d+ ([\d.]+) Tf[\s\S]*?1 0 0 1 ([\d.-]+) ([\d.-]+) Tm\s*<([0-9A-Fa-f]*)> Tj/g)) {
    const [, font = '', size = '', x = '', y = '', hex = ''] = match;
    lines.push({ text: winAnsi(Buffer.from(hex, 'hex')), size: Number(size), x: Number(x), y: Number(y), bold: font.endsWith('Bold') });
  }
  return lines;
}

/** WinAnsi bytes as text; only the characters these tests draw outside Latin-1 are mapped. */
function winAnsi(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/\x85/g, '…').replace(/\x97/g, '—');
}

/** The organisation name as drawn: the lines between "awarded to" and the dates. */
function drawnName(lines: readonly DrawnLine[]): string {
  const start = lines.findIndex((line) => line.text === 'awarded to');
  const end = lines.findIndex((line) => line.text.startsWith('Awarded '));
  return lines
    .slice(start + 1, end)
    .map((line) => line.text)
    .join(' ');
}

const pageText = async (bytes: Uint8Array) => (await drawnLines(bytes)).map((line) => line.text).join('\n');

async function helvetica(): Promise<{ regular: PDFFont; bold: PDFFont }> {
  const pdf = await PDFDocument.create();
  return { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
}

function contrastWithWhite(colour: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(colour.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

describe('buildAwardCertificate', () => {
  it.each(AWARD_LEVELS)('builds a one-page A4 landscape %s certificate', async (level) => {
    const bytes = await buildAwardCertificate(input({ level }));
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect(width).toBeCloseTo(A4_LANDSCAPE.width, 1);
    expect(height).toBeCloseTo(A4_LANDSCAPE.height, 1);

    const levelName = level.charAt(0).toUpperCase() + level.slice(1);
    const lines = await drawnLines(bytes);
    expect(lines.map((line) => line.text)).toEqual([
      'Work Experience Quality Standard',
      levelName,
      'awarded to',
      'Example Hospitals NHS Foundation Trust',
      'Awarded 10 April 2026 · Valid until 10 April 2028',
      'Reference WEQS-2026-0042',
      DEFAULT_CERTIFICATE_ISSUER,
    ]);
    const levelLine = lines[1]!;
    expect(levelLine.bold).toBe(true);
    expect(levelLine.size).toBe(Math.max(...lines.map((line) => line.size)));
  });

  it('sets the metadata and language', async () => {
    const createdAt = new Date('2026-04-10T14:15:16Z');
    const pdf = await PDFDocument.load(await buildAwardCertificate(input({ level: 'silver', createdAt })), { updateMetadata: false });
    expect(pdf.getTitle()).toBe('Work Experience Quality Standard: Silver award, Example Hospitals NHS Foundation Trust');
    expect(pdf.getSubject()).toBe(
      'Silver award to Example Hospitals NHS Foundation Trust. Awarded 10 April 2026, valid until 10 April 2028. Reference WEQS-2026-0042.',
    );
    expect(pdf.getAuthor()).toBe(DEFAULT_CERTIFICATE_ISSUER);
    expect(pdf.getCreator()).toBe('weqs');
    expect(pdf.getProducer()).toBe('weqs');
    expect(pdf.getKeywords()).toBe('Work Experience Quality Standard Silver award WEQS-2026-0042');
    expect(pdf.getCreationDate()).toEqual(createdAt);
    expect(pdf.getModificationDate()).toEqual(createdAt);
    expect((pdf.catalog.get(PDFName.of('Lang')) as PDFString).decodeText()).toBe('en-GB');
  });

  it('names the issuer given', async () => {
    const bytes = await buildAwardCertificate(input({ issuer: 'NHS England Workforce, Training and Education — London' }));
    expect(await pageText(bytes)).toContain('NHS England Workforce, Training and Education — London');
    expect((await PDFDocument.load(bytes, { updateMetadata: false })).getAuthor()).toBe('NHS England Workforce, Training and Education — London');
    expect((await PDFDocument.load(await buildAwardCertificate(input({ issuer: '  ' })), { updateMetadata: false })).getAuthor()).toBe(DEFAULT_CERTIFICATE_ISSUER);
  });

  it('draws names outside Windows Latin-1 as well as the standard fonts allow, and keeps them exactly in the metadata', async () => {
    // [name, as drawn, whether the metadata keeps it exactly]
    const cases: [string, string, boolean][] = [
      ['Bwrdd Iechyd Prifysgol Betsi Cadwaladr — Ysbyty Gŵyr ŷ', 'Bwrdd Iechyd Prifysgol Betsi Cadwaladr — Ysbyty Gwyr y', true],
      ['Hôpital Général de Montréal, Ærø & Søn', 'Hôpital Général de Montréal, Ærø & Søn', true],
      ['Szpital Łódź', 'Szpital Lódz', true],
      ['مستشفى لندن', '?????? ????', true],
      ['北京医院', '????', true],
      ['Ward 👩‍⚕️ 🏥 Team', 'Ward ? ? Team', true],
      ['<script>alert("x")</script> & <b>Trust</b>', '<script>alert("x")</script> & <b>Trust</b>', true],
      // Controls, direction overrides and lone surrogates are the only things taken out of the metadata.
      ['Line\nbreak\tand\u0000nul \u202Edesrever\u202C soft\u00ADhyphen', 'Line break andnul desrever softhyphen', false],
      ['Lone \uD800 surrogate', 'Lone surrogate', false],
    ];
    for (const [name, drawn, keptInMetadata] of cases) {
      const bytes = await buildAwardCertificate(input({ organisationName: name }));
      expect(drawnName(await drawnLines(bytes)), name).toBe(drawn);
      const title = (await PDFDocument.load(bytes, { updateMetadata: false })).getTitle();
      if (keptInMetadata) expect(title, name).toContain(name);
      else expect(title, name).toContain(drawn.split(' ')[0]);
    }
  });

  it('wraps and shrinks long names to fit inside the frame', async () => {
    const fonts = await helvetica();
    const names: [string, 'whole' | 'cut'][] = [
      ['The Royal Wolverhampton NHS Trust and Walsall Healthcare NHS Trust Joint Work Experience Programme for Health and Care Careers', 'whole'],
      [`${'Very Long Organisation Name '.repeat(11)}End`.slice(0, 300), 'whole'],
      ['A'.repeat(300), 'whole'],
      ['W'.repeat(300), 'cut'],
      ['Supercalifragilisticexpialidocious'.repeat(8), 'whole'],
      ['Trust '.repeat(2000), 'cut'],
    ];
    for (const [name, expected] of names) {
      const lines = (await drawnLines(await buildAwardCertificate(input({ organisationName: name })))).filter((line) => line.bold && line.y < 340 && line.y > 180);
      expect(lines.length, name).toBeGreaterThan(0);
      expect(lines.length, name).toBeLessThanOrEqual(4);
      for (const line of lines) {
        const width = fonts.bold.widthOfTextAtSize(line.text, line.size);
        expect(line.x, name).toBeGreaterThanOrEqual(40);
        expect(line.x + width, name).toBeLessThanOrEqual(A4_LANDSCAPE.width - 40);
        expect(line.size, name).toBeGreaterThanOrEqual(12);
      }
      // Everything is drawn unless the name is beyond any real one.
      const drawn = lines.map((line) => line.text).join(' ');
      if (expected === 'whole') expect(drawn.replace(/\s+/g, ''), name).toBe(name.replace(/\s+/g, ''));
      else expect(drawn.endsWith('…'), name).toBe(true);
    }
  });

  it('keeps a short name large', async () => {
    const lines = await drawnLines(await buildAwardCertificate(input({ organisationName: 'Leeds Teaching Hospitals' })));
    expect(lines[3]).toMatchObject({ text: 'Leeds Teaching Hospitals', size: 30 });
  });

  it('shrinks or cuts a long reference or issuer to one line', async () => {
    const fonts = await helvetica();
    const lines = await drawnLines(await buildAwardCertificate(input({ reference: 'R'.repeat(400), issuer: 'Issuer '.repeat(200) })));
    const reference = lines.find((line) => line.text.startsWith('Reference RRR'));
    const issuer = lines.at(-1);
    for (const line of [reference, issuer]) {
      expect(line).toBeDefined();
      expect(line!.text.endsWith('…')).toBe(true);
      expect(line!.size).toBeGreaterThanOrEqual(8);
      expect(line!.x).toBeGreaterThanOrEqual(40);
      expect(line!.x + fonts.regular.widthOfTextAtSize(line!.text, line!.size)).toBeLessThanOrEqual(A4_LANDSCAPE.width - 40);
    }
  });

  it('refuses input that would make a wrong certificate', async () => {
    await expect(buildAwardCertificate(input({ awardedOn: '10/04/2026' }))).rejects.toThrow(RangeError);
    await expect(buildAwardCertificate(input({ expiresOn: '2027-02-29' }))).rejects.toThrow(RangeError);
    await expect(buildAwardCertificate(input({ organisationName: ' \n\t\u200E ' }))).rejects.toThrow(RangeError);
    await expect(buildAwardCertificate(input({ organisationName: '\u00AD\u200B' }))).rejects.toThrow(RangeError);
    await expect(buildAwardCertificate(input({ level: 'platinum' as 'gold' }))).rejects.toThrow(RangeError);
  });

  it('gives every level a band that white text reads well on (WCAG AA)', () => {
    for (const level of AWARD_LEVELS) expect(contrastWithWhite(LEVEL_BAND_COLOURS[level]), level).toBeGreaterThanOrEqual(4.5);
  });

  it('is small and quick to build', async () => {
    await buildAwardCertificate(input());
    const started = performance.now();
    const bytes = await buildAwardCertificate(input({ organisationName: 'A'.repeat(300) }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(bytes.length).toBeLessThan(20 * 1024);
  });

  it('builds for any non-blank name, drawing only what Helvetica can encode', async () => {
    const { regular } = await helvetica();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }).filter((name) => certificateText(name) !== ''), fc.constantFrom(...AWARD_LEVELS), async (name, level) => {
        expect(() => regular.encodeText(certificateText(name))).not.toThrow();
        const pdf = await PDFDocument.load(await buildAwardCertificate(input({ organisationName: name, level })), { updateMetadata: false });
        expect(pdf.getPageCount()).toBe(1);
      }),
      { numRuns: 60 },
    );
  });
});

describe('certificateText', () => {
  it('keeps Windows Latin-1 text and folds or replaces the rest', () => {
    expect(certificateText('  St  Mary’s “Hospital”  – Café €5 ')).toBe('St Mary’s “Hospital” – Café €5');
    expect(certificateText('Ysbyty Ŵy')).toBe('Ysbyty Wy');
    expect(certificateText('Straße Œuvre Ÿ')).toBe('Straße Œuvre Ÿ');
    expect(certificateText('Zürich ‑ Kraków')).toBe('Zürich - Kraków');
    expect(certificateText('🏳️‍🌈')).toBe('?');
    expect(certificateText('e\u0301')).toBe('é');
  });

  it('says whether the certificate shows a name as given', () => {
    expect(certificateShowsExactly('Example Hospitals NHS Foundation Trust')).toBe(true);
    expect(certificateShowsExactly('  Example   Hospitals ')).toBe(true);
    expect(certificateShowsExactly('Hôpital Général')).toBe(true);
    expect(certificateShowsExactly('Ysbyty Gŵyr')).toBe(false);
    expect(certificateShowsExactly('مستشفى')).toBe(false);
  });

  it('only ever yields characters Helvetica can encode', async () => {
    const { regular, bold } = await helvetica();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const drawn = certificateText(text);
        expect(() => regular.encodeText(drawn)).not.toThrow();
        expect(() => bold.encodeText(drawn)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
