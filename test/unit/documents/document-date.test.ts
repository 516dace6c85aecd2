import { Document, Packer, Paragraph } from 'docx';
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync, zlibSync } from 'fflate';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { buildAwardCertificate } from '../../../src/documents/award-certificate.js';
import { documentDate } from '../../../src/documents/document-date.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const read = (name: string, bytes: Uint8Array, now = NOW) => documentDate(name, bytes, now)?.toISOString();

// ---------------------------------------------------------------------------------------------
// Office Open XML
// ---------------------------------------------------------------------------------------------

const RELS = (coreTarget = 'docProps/core.xml') =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="${coreTarget}"/>` +
  '</Relationships>';

function coreXml(dates: { modified?: string; created?: string }, extra = ''): string {
  const element = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<dcterms:${name} xsi:type="dcterms:W3CDTF">${value}</dcterms:${name}>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>Induction checklist${extra}</dc:title><dc:creator>A. Host</dc:creator>` +
    element('created', dates.created) +
    element('modified', dates.modified) +
    '</cp:coreProperties>'
  );
}

/** A minimal Office package: enough parts for our reader, not for Word. */
function office(parts: Record<string, string | Uint8Array>): Uint8Array {
  const files: Record<string, Uint8Array> = { 'word/document.xml': strToU8('<w:document/>') };
  for (const [name, content] of Object.entries(parts)) files[name] = typeof content === 'string' ? strToU8(content) : content;
  return zipSync(files);
}

const officeWithDates = (dates: { modified?: string; created?: string }) =>
  office({ '_rels/.rels': RELS(), 'docProps/core.xml': coreXml(dates) });

async function realDocx(): Promise<Uint8Array> {
  const document = new Document({ creator: 'Host department', title: 'Placement feedback', sections: [{ children: [new Paragraph('Feedback')] }] });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** A Word-written package with its core properties replaced. */
function withCore(docx: Uint8Array, core: string): Uint8Array {
  return zipSync({ ...unzipSync(docx), 'docProps/core.xml': strToU8(core) });
}

describe('documentDate: Office Open XML', () => {
  it('reads the date the docx package writes', async () => {
    const before = Date.now();
    const date = documentDate('feedback.docx', await realDocx());
    expect(date).toBeDefined();
    expect(date!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(date!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('prefers dcterms:modified over dcterms:created', async () => {
    const docx = withCore(await realDocx(), coreXml({ created: '2023-02-01T08:00:00Z', modified: '2025-03-14T09:30:00Z' }));
    expect(read('feedback.docx', docx)).toBe('2025-03-14T09:30:00.000Z');
  });

  it('falls back to dcterms:created', () => {
    expect(read('feedback.docx', officeWithDates({ created: '2025-03-14T09:30:00Z' }))).toBe('2025-03-14T09:30:00.000Z');
  });

  it.each([
    ['2025-03-14T09:30:00Z', '2025-03-14T09:30:00.000Z'],
    ['2025-03-14T09:30:00.123456789Z', '2025-03-14T09:30:00.000Z'],
    ['2025-03-14T09:30Z', '2025-03-14T09:30:00.000Z'],
    ['2025-03-14T09:30:00+05:30', '2025-03-14T04:00:00.000Z'],
    ['2025-03-14T09:30:00-01:00', '2025-03-14T10:30:00.000Z'],
    // No zone: UK local time, so BST moves it back an hour and the UK date is the one written.
    ['2025-07-14T23:30:00', '2025-07-14T22:30:00.000Z'],
    ['2025-01-14T23:30:00', '2025-01-14T23:30:00.000Z'],
    ['2025-07-14', '2025-07-13T23:00:00.000Z'],
    ['2025-03', '2025-03-01T00:00:00.000Z'],
    ['2025', '2025-01-01T00:00:00.000Z'],
    ['  2025-03-14T09:30:00Z\n', '2025-03-14T09:30:00.000Z'],
  ])('reads W3CDTF %j', (value, expected) => {
    expect(read('feedback.docx', officeWithDates({ modified: value }))).toBe(expected);
  });

  it.each(['2025-02-29T00:00:00Z', '2025-13-01', '2025-03-14T24:00:00Z', '14/03/2025', 'yesterday', ''])(
    'ignores the malformed value %j and uses the created date',
    (value) => {
      expect(read('feedback.docx', officeWithDates({ modified: value, created: '2024-05-06T07:08:09Z' }))).toBe('2024-05-06T07:08:09.000Z');
    },
  );

  it('skips bogus dates: before 1990, or more than a day after now', () => {
    const created = '2024-05-06T07:08:09.000Z';
    expect(read('a.docx', officeWithDates({ modified: '1601-01-01T00:00:00Z', created }))).toBe(created);
    expect(read('a.docx', officeWithDates({ modified: '1989-12-31T23:59:59Z', created }))).toBe(created);
    expect(read('a.docx', officeWithDates({ modified: '2026-06-02T13:00:00Z', created }))).toBe(created);
    expect(read('a.docx', officeWithDates({ modified: '1980-01-01T00:00:00Z', created: '2099-01-01T00:00:00Z' }))).toBeUndefined();
    // A slightly fast clock on the writer's machine is tolerated.
    expect(read('a.docx', officeWithDates({ modified: '2026-06-02T11:00:00Z', created }))).toBe('2026-06-02T11:00:00.000Z');
    expect(read('a.docx', officeWithDates({ modified: '1990-01-01T00:00:00Z' }))).toBe('1990-01-01T00:00:00.000Z');
  });

  it('accepts every Office Open XML extension in any case', () => {
    const bytes = officeWithDates({ modified: '2025-03-14T09:30:00Z' });
    for (const name of ['a.docx', 'a.DOCX', 'a.docm', 'a.dotx', 'a.xlsx', 'a.xlsm', 'a.xlsb', 'a.pptx', 'a.pptm', 'a.ppsx', 'My.Report.v2.Xlsx']) {
      expect(read(name, bytes), name).toBe('2025-03-14T09:30:00.000Z');
    }
  });

  it('finds core properties through the package relationships, whatever their name or case', () => {
    const bytes = office({ '_rels/.rels': RELS('/Meta/CoreProps.xml'), 'meta/coreprops.xml': coreXml({ modified: '2025-03-14T09:30:00Z' }) });
    expect(read('a.xlsx', bytes)).toBe('2025-03-14T09:30:00.000Z');
    expect(read('a.xlsx', office({ 'DOCPROPS/CORE.XML': coreXml({ modified: '2025-03-14T09:30:00Z' }) }))).toBe('2025-03-14T09:30:00.000Z');
  });

  it('reads core properties with a byte-order mark', () => {
    const bytes = office({ 'docProps/core.xml': `\uFEFF${coreXml({ modified: '2025-03-14T09:30:00Z' })}` });
    expect(read('a.docx', bytes)).toBe('2025-03-14T09:30:00.000Z');
  });

  it('refuses core properties with a DTD (entity expansion)', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
      coreXml({ modified: '2025-03-14T09:30:00Z' }, '&lol2;').replace(/^<\?xml[^>]*>/, '');
    expect(read('a.docx', office({ 'docProps/core.xml': laughs }))).toBeUndefined();
    const external = coreXml({ modified: '2025-03-14T09:30:00Z' }).replace('?>', '?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">');
    expect(read('a.docx', office({ 'docProps/core.xml': external }))).toBeUndefined();
  });

  it('refuses malformed core properties', () => {
    const broken = coreXml({ modified: '2025-03-14T09:30:00Z' }).replace('</cp:coreProperties>', '');
    expect(read('a.docx', office({ 'docProps/core.xml': broken }))).toBeUndefined();
  });

  it('has no date without core properties', () => {
    expect(read('a.docx', office({ '_rels/.rels': RELS() }))).toBeUndefined();
  });

  it('ignores a core properties part over 1 MB', () => {
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const started = performance.now();
    expect(read('a.docx', office({ 'docProps/core.xml': coreXml({ modified: '2025-03-14T09:30:00Z' }, padding) }))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('bounds the work on a zip that lies about the size of its core properties', () => {
    // 6 MB of spaces compresses to about 6 KB, under the compressed cap; the central directory then claims 1 KB.
    const bomb = coreXml({ modified: '2025-03-14T09:30:00Z' }).replace('<dc:title>', `<dc:title>${' '.repeat(6 * 1024 * 1024)}`);
    const zip = office({ 'docProps/core.xml': bomb });
    const started = performance.now();
    expect(read('a.docx', withDeclaredSize(zip, 'docProps/core.xml', 1024))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('has no date for damaged, truncated or mislabelled files', async () => {
    const docx = await realDocx();
    expect(read('a.docx', docx.subarray(0, Math.floor(docx.length / 2)))).toBeUndefined();
    expect(read('a.docx', docx.subarray(0, 3))).toBeUndefined();
    expect(read('a.docx', new Uint8Array())).toBeUndefined();
    expect(read('a.docx', strToU8('PK\u0003\u0004 this is not a zip'))).toBeUndefined();
    // Word 97–2003 and password-protected Office files are OLE compound files.
    expect(read('a.doc', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBeUndefined();
    expect(read('a.docx', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBeUndefined();
    expect(read('a.docx', await pdfLibPdf({ modified: new Date('2025-03-14T09:30:00Z') }))).toBeUndefined();
    expect(read('a.pdf', docx)).toBeUndefined();
    for (const name of ['a.zip', 'a.odt', 'a.txt', 'docx', 'a.docx.txt', 'a']) expect(read(name, docx), name).toBeUndefined();
  });
});

/** Rewrites the uncompressed size the central directory records for `name`. */
function withDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (let offset = 0; offset + 46 <= copy.length; offset += 1) {
    if (view.getUint32(offset, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(offset + 28, true);
    if (new TextDecoder().decode(copy.subarray(offset + 46, offset + 46 + nameLength)) === name) {
      view.setUint32(offset + 24, size, true);
      return copy;
    }
  }
  throw new Error(`no central directory entry for ${name}`);
}

// ---------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------

async function pdfLibPdf(dates: { modified?: Date; created?: Date }, useObjectStreams = false): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.addPage();
  if (dates.created !== undefined) pdf.setCreationDate(dates.created);
  if (dates.modified !== undefined) pdf.setModificationDate(dates.modified);
  return pdf.save({ useObjectStreams });
}

/** A small PDF written by hand: `objects` are numbered from 1; the trailer names `info` when given. */
function handPdf(objects: readonly string[], options: { info?: number; trailer?: string; between?: string } = {}): Uint8Array {
  const body = objects.map((object, index) => `${index + 1} 0 obj\n${object}\nendobj\n`);
  const trailer = options.trailer ?? `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${options.info === undefined ? '' : ` /Info ${options.info} 0 R`} >>\n`;
  return strToU8(`%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n${body.join(options.between ?? '')}${trailer}startxref\n0\n%%EOF\n`, true);
}

const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
const PAGES = '<< /Type /Pages /Kids [] /Count 0 >>';
const pdfWithInfo = (info: string) => handPdf([CATALOG, PAGES, info], { info: 3 });

describe('documentDate: PDF', () => {
  it('reads /ModDate, else /CreationDate, from pdf-lib output', async () => {
    const modified = new Date('2025-03-14T09:30:00Z');
    const created = new Date('2024-01-02T03:04:05Z');
    expect(read('a.pdf', await pdfLibPdf({ modified, created }))).toBe(modified.toISOString());
    expect(read('a.pdf', await pdfLibPdf({ created }))).toBe(created.toISOString());
    expect(read('a.pdf', await pdfLibPdf({}))).toBeUndefined();
  });

  it('reads the information dictionary from a compressed object stream', async () => {
    const bytes = await pdfLibPdf({ modified: new Date('2025-03-14T09:30:00Z') }, true);
    expect(latin1(bytes)).not.toContain('ModDate');
    expect(read('a.pdf', bytes)).toBe('2025-03-14T09:30:00.000Z');
  });

  it('reads the date of our own award certificate', async () => {
    const createdAt = new Date('2026-04-10T14:15:16Z');
    const certificate = await buildAwardCertificate({
      organisationName: 'Example Hospitals NHS Foundation Trust',
      level: 'gold',
      reference: 'WEQS-2026-0042',
      awardedOn: '2026-04-10',
      expiresOn: '2028-04-10',
      createdAt,
    });
    expect(read('certificate.pdf', certificate)).toBe(createdAt.toISOString());
  });

  it.each([
    ['D:2025', '2025-01-01T00:00:00.000Z'],
    ['D:202503', '2025-03-01T00:00:00.000Z'],
    ['D:20250314', '2025-03-14T00:00:00.000Z'],
    // No zone: UK local time (BST in July).
    ['D:20250714', '2025-07-13T23:00:00.000Z'],
    ['D:2025031409', '2025-03-14T09:00:00.000Z'],
    ['D:202503140930', '2025-03-14T09:30:00.000Z'],
    ['D:20250314093000', '2025-03-14T09:30:00.000Z'],
    ['D:20250714233000', '2025-07-14T22:30:00.000Z'],
    ['D:20250314093000Z', '2025-03-14T09:30:00.000Z'],
    ["D:20250314093000Z00'00'", '2025-03-14T09:30:00.000Z'],
    ["D:20250314093000+01'00'", '2025-03-14T08:30:00.000Z'],
    ["D:20250314093000-05'30", '2025-03-14T15:00:00.000Z'],
    ["D:20250314093000-05'30'", '2025-03-14T15:00:00.000Z'],
    ['D:20250314093000+0100', '2025-03-14T08:30:00.000Z'],
    ['D:20250314093000+01', '2025-03-14T08:30:00.000Z'],
    ["D:20250314093000+05'45'", '2025-03-14T03:45:00.000Z'],
    ['20250314093000Z', '2025-03-14T09:30:00.000Z'],
    ['D:20250314093060Z', '2025-03-14T09:30:59.000Z'],
    ['D:20250314093000Z  \\000', '2025-03-14T09:30:00.000Z'],
    ['2025-03-14T09:30:00+01:00', '2025-03-14T08:30:00.000Z'],
  ])('reads the PDF date (%s)', (value, expected) => {
    expect(read('a.pdf', pdfWithInfo(`<< /Producer (test) /ModDate (${value}) >>`))).toBe(expected);
  });

  it.each(['D:', 'D:25', 'D:2025031', 'D:20251314', 'D:20250230', 'D:20250314250000Z', 'D:20250314093000+25', "D:19100314093000-05'00'", 'Friday'])(
    'ignores the malformed PDF date %j and uses /CreationDate',
    (value) => {
      expect(read('a.pdf', pdfWithInfo(`<< /ModDate (${value}) /CreationDate (D:20240506070809Z) >>`))).toBe('2024-05-06T07:08:09.000Z');
    },
  );

  it('decodes hex, UTF-16 and escaped strings', () => {
    const hex = Buffer.from('D:20250314093000Z', 'latin1').toString('hex');
    const utf16 = `FEFF${Buffer.from('D:20250314093000Z', 'utf16le').swap16().toString('hex')}`;
    const utf8 = `EFBBBF${hex}`;
    for (const value of [`<${hex}>`, `<${hex.toUpperCase().replace(/(..)/g, '$1 ')}>`, `<${utf16}>`, `<${utf8}>`, '(D:2025\\060314093000Z)', '(D:20250314\\\n093000Z)']) {
      expect(read('a.pdf', pdfWithInfo(`<< /ModDate ${value} >>`)), value).toBe('2025-03-14T09:30:00.000Z');
    }
  });

  it("uses the trailer's information dictionary, not an attachment's or a comment's dates", () => {
    const annotation = '<< /Type /Annot /Subtype /Text /CreationDate (D:20260101000000Z) /M (D:20260101000000Z) >>';
    const attachmentParams = '<< /Type /EmbeddedFile /Params << /ModDate (D:20260102000000Z) /CreationDate (D:20260102000000Z) >> /Length 0 >>';
    const bytes = handPdf([CATALOG, PAGES, '<< /CreationDate (D:20230102030405Z) >>', annotation, attachmentParams], { info: 3 });
    expect(read('a.pdf', bytes)).toBe('2023-01-02T03:04:05.000Z');
  });

  it('reads the latest revision after an incremental update', () => {
    const original = latin1(pdfWithInfo('<< /ModDate (D:20230101000000Z) >>'));
    const update = '3 0 obj\n<< /ModDate (D:20250314093000Z) >>\nendobj\ntrailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R /Prev 0 >>\nstartxref\n0\n%%EOF\n';
    expect(read('a.pdf', strToU8(original + update, true))).toBe('2025-03-14T09:30:00.000Z');
  });

  it('takes any date it can see in a truncated PDF that has lost its trailer', () => {
    const bytes = handPdf([CATALOG, PAGES, '<< /ModDate (D:20250314093000Z) >>'], { trailer: '' });
    expect(read('a.pdf', bytes.subarray(0, bytes.length - 20))).toBe('2025-03-14T09:30:00.000Z');
  });

  it('finds the information dictionary in the last 64 KB of a large PDF, but not in its middle', () => {
    const filler = `<< /Length 2000000 >>\nstream\n${'q 0 0 m Q\n'.repeat(200_000)}\nendstream`;
    const atEnd = handPdf([CATALOG, PAGES, filler, '<< /ModDate (D:20250314093000Z) >>'], { info: 4 });
    expect(atEnd.length).toBeGreaterThan(1_000_000);
    expect(read('a.pdf', atEnd)).toBe('2025-03-14T09:30:00.000Z');
    const inMiddle = handPdf([CATALOG, PAGES, filler, '<< /ModDate (D:20250314093000Z) >>', filler], { info: 4 });
    expect(read('a.pdf', inMiddle)).toBeUndefined();
  });

  it('finds a linearised first-page trailer and information dictionary at the start', () => {
    const head = '%PDF-1.7\n1 0 obj\n<< /Linearized 1 >>\nendobj\ntrailer\n<< /Info 2 0 R >>\n2 0 obj\n<< /ModDate (D:20250314093000Z) >>\nendobj\n';
    const filler = `3 0 obj\n<< /Length 2000000 >>\nstream\n${'0'.repeat(2_000_000)}\nendstream\nendobj\n`;
    expect(read('a.pdf', strToU8(`${head}${filler}%%EOF\n`, true))).toBe('2025-03-14T09:30:00.000Z');
  });

  it('reads XMP when there is no information dictionary date', () => {
    const xmp = (body: string) =>
      `<< /Type /Metadata /Subtype /XML /Length 0 >>\nstream\n<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${body}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>\nendstream`;
    const info = '<< /Producer (scanner) >>';
    const attributes = '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2024-01-02T03:04:05Z" xmp:ModifyDate="2025-03-14T10:30:00+01:00"/>';
    expect(read('a.pdf', handPdf([CATALOG, PAGES, info, xmp(attributes)], { info: 3 }))).toBe('2025-03-14T09:30:00.000Z');
    const elements = '<rdf:Description rdf:about=""><xmp:CreateDate>2024-01-02T03:04:05Z</xmp:CreateDate></rdf:Description>';
    expect(read('a.pdf', handPdf([CATALOG, PAGES, info, xmp(elements)], { info: 3 }))).toBe('2024-01-02T03:04:05.000Z');
    const oldAcrobat = "<rdf:Description rdf:about='' xmlns:xap='http://ns.adobe.com/xap/1.0/' xap:ModifyDate='2025-03-14T09:30:00Z'/>";
    expect(read('a.pdf', handPdf([CATALOG, PAGES, xmp(oldAcrobat)]))).toBe('2025-03-14T09:30:00.000Z');
    // The information dictionary wins over XMP.
    const both = handPdf([CATALOG, PAGES, '<< /CreationDate (D:20230101000000Z) >>', xmp(attributes)], { info: 3 });
    expect(read('a.pdf', both)).toBe('2023-01-01T00:00:00.000Z');
  });

  it('ignores the encrypted strings of an encrypted PDF but reads its XMP', () => {
    const trailer = 'trailer\n<< /Size 5 /Root 1 0 R /Info 3 0 R /Encrypt 4 0 R >>\n';
    const encryptedInfo = '<< /ModDate (D:20250314093000Z) >>';
    expect(read('a.pdf', handPdf([CATALOG, PAGES, encryptedInfo, '<< /Filter /Standard >>'], { trailer }))).toBeUndefined();
    const xmp = '<< /Type /Metadata >>\nstream\n<x xmp:ModifyDate="2024-02-03T04:05:06Z"/>\nendstream';
    expect(read('a.pdf', handPdf([CATALOG, PAGES, encryptedInfo, '<< /Filter /Standard >>', xmp], { trailer }))).toBe('2024-02-03T04:05:06.000Z');
  });

  it('skips bogus PDF dates', () => {
    expect(read('a.pdf', pdfWithInfo('<< /ModDate (D:20990101000000Z) /CreationDate (D:20240506070809Z) >>'))).toBe('2024-05-06T07:08:09.000Z');
    expect(read('a.pdf', pdfWithInfo('<< /ModDate (D:19700101000000Z) >>'))).toBeUndefined();
    expect(read('a.pdf', pdfWithInfo('<< /ModDate 7 0 R >>'))).toBeUndefined();
  });

  it('accepts a header after some junk, as readers do, and any case of extension', () => {
    const bytes = strToU8(`\u0000\u0000junk\n${latin1(pdfWithInfo('<< /ModDate (D:20250314093000Z) >>'))}`, true);
    expect(read('SCAN.PDF', bytes)).toBe('2025-03-14T09:30:00.000Z');
    const late = strToU8(`${' '.repeat(2000)}${latin1(pdfWithInfo('<< /ModDate (D:20250314093000Z) >>'))}`, true);
    expect(read('a.pdf', late)).toBeUndefined();
  });

  it('bounds the work on a compressed object stream that inflates to gigabytes', () => {
    const bomb = zlibSync(new Uint8Array(8 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(16 * 1024);
    const stream = `<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n${latin1(bomb)}\nendstream`;
    const objectStreams = Array.from({ length: 40 }, () => stream);
    const started = performance.now();
    expect(read('a.pdf', handPdf([CATALOG, PAGES, ...objectStreams], { info: 3 }))).toBeUndefined();
    expect(read('a.pdf', handPdf([CATALOG, PAGES, ...objectStreams]))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('has no date for damaged, truncated or mislabelled PDFs, and never throws', async () => {
    const pdf = await pdfLibPdf({ modified: new Date('2025-03-14T09:30:00Z') }, true);
    for (let length = 0; length < pdf.length; length += 7) expect(() => documentDate('a.pdf', pdf.subarray(0, length), NOW)).not.toThrow();
    expect(read('a.pdf', strToU8('%PDF-1.7\n'))).toBeUndefined();
    expect(read('a.pdf', strToU8('<html>not a pdf</html>'))).toBeUndefined();
    expect(read('a.txt', pdf)).toBeUndefined();
    expect(read('a.pdf.docx', pdf)).toBeUndefined();
    const mangled = pdf.slice();
    for (let i = 100; i < mangled.length; i += 13) mangled[i] = 0x28;
    expect(() => documentDate('a.pdf', mangled, NOW)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const plausibleDates = fc
  .integer({ min: Date.UTC(1990, 0, 1) / 1000, max: NOW.getTime() / 1000 })
  .map((seconds) => new Date(seconds * 1000));

describe('documentDate: properties', () => {
  it('never throws on arbitrary bytes, whatever the name', () => {
    const prefixes = ['', '%PDF-1.7\n', 'PK\u0003\u0004'];
    fc.assert(
      fc.property(
        fc.constantFrom('a.pdf', 'a.docx', 'a.xlsx', 'a.pptx', 'a.txt', ''),
        fc.constantFrom(...prefixes),
        fc.uint8Array({ maxLength: 2048 }),
        (name, prefix, bytes) => {
          const input = new Uint8Array([...strToU8(prefix, true), ...bytes]);
          const date = documentDate(name, input, NOW);
          expect(date === undefined || date instanceof Date).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on PDF-like text', () => {
    const tokens = fc.constantFrom('/Info 3 0 R', '3 0 obj', 'endobj', '/ModDate', '(D:2025', ')', '<', '>', '\\', '/Type /ObjStm', 'stream\n', 'endstream', '/Length 5', '/First 3', '/Filter /FlateDecode', 'xmp:ModifyDate="', '/Encrypt <<', ' ');
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 60 }), (parts) => {
        expect(() => documentDate('a.pdf', strToU8(`%PDF-1.4\n${parts.join('')}`, true), NOW)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('reads back the date a pdf-lib PDF carries, with or without object streams', async () => {
    await fc.assert(
      fc.asyncProperty(plausibleDates, fc.boolean(), fc.boolean(), async (date, asModified, useObjectStreams) => {
        const dates = asModified ? { modified: date, created: new Date('1995-01-01T00:00:00Z') } : { created: date };
        expect(read('a.pdf', await pdfLibPdf(dates, useObjectStreams))).toBe(date.toISOString());
      }),
      { numRuns: 40 },
    );
  });

  it('reads back any PDF date string, whatever its time zone', () => {
    fc.assert(
      fc.property(plausibleDates, fc.integer({ min: -12 * 60, max: 14 * 60 }), (date, offsetMinutes) => {
        const local = new Date(date.getTime() + offsetMinutes * 60_000);
        const pad = (value: number) => String(value).padStart(2, '0');
        const digits = `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
        const sign = offsetMinutes < 0 ? '-' : '+';
        const zone = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}'${pad(Math.abs(offsetMinutes) % 60)}'`;
        expect(read('a.pdf', pdfWithInfo(`<< /ModDate (D:${digits}${zone}) >>`))).toBe(date.toISOString());
      }),
      { numRuns: 200 },
    );
  });

  it('reads back the date an Office document carries', async () => {
    const docx = await realDocx();
    fc.assert(
      fc.property(plausibleDates, fc.constantFrom('a.docx', 'a.xlsx', 'a.pptx'), (date, name) => {
        const iso = date.toISOString().replace('.000Z', 'Z');
        expect(read(name, withCore(docx, coreXml({ created: '2020-01-01T00:00:00Z', modified: iso })))).toBe(date.toISOString());
        expect(read(name, officeWithDates({ created: iso }))).toBe(date.toISOString());
      }),
      { numRuns: 100 },
    );
  });
});
