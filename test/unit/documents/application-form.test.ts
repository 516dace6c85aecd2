import { readFileSync } from 'node:fs';
import { Document, Packer, Paragraph } from 'docx';
import { XMLValidator } from 'fast-xml-parser';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildApplicationForm, type ApplicationFormInput } from '../../../src/documents/application-form.js';
import { COMMENTARY_PLACEHOLDER, readApplicationForm, type ApplicationFormReading } from '../../../src/documents/application-form-reader.js';
import { addRsids, controlSpan, documentXmlOf, fillBox, partsOf, tagOf, withDocumentXml } from '../../support/word.js';
import { FRAMEWORK_SECTION_TITLES, frameworkSectionsCatalogue, parseCriteriaCatalogue, type CriteriaCatalogue } from '../../../src/domain/criteria-catalogue.js';
import { CURRENT_EVIDENCE_RULE } from '../../../src/domain/evidence-readiness.js';

// The example's criteria, as if staff had loaded them as the published framework.
const example = parseCriteriaCatalogue(JSON.parse(readFileSync(new URL('../../../config/examples/criteria-catalogue.example.json', import.meta.url), 'utf8')));
const catalogue: CriteriaCatalogue = { ...example, source: { kind: 'published', title: 'Work Experience Quality Standard Framework' } };

const input = (overrides: Partial<ApplicationFormInput> = {}): ApplicationFormInput => ({
  organisationName: 'Example Hospitals NHS Foundation Trust',
  reference: 'WEQS-2026-0042',
  requesterName: 'Jane Smith',
  requesterEmail: 'jane.smith@example.nhs.uk',
  issuedOn: new Date('2026-03-03T10:00:00Z'),
  catalogue,
  nextDeadline: '18 May 2027',
  ...overrides,
});

// ---------------------------------------------------------------------------------------------
// Editing a form the way Word rewrites it
// ---------------------------------------------------------------------------------------------

const SPLIT_RUNS_WITH_PROOFING = [
  '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6" w:rsidP="00A1B2C3"><w:pPr><w:rPr><w:lang w:val="en-GB"/></w:rPr></w:pPr>',
  '<w:r w:rsidRPr="00112233"><w:t xml:space="preserve">Our policy is in </w:t></w:r>',
  '<w:r w:rsidR="00445566"><w:t>\u201C</w:t></w:r><w:proofErr w:type="spellStart"/>',
  '<w:r w:rsidR="00445566"><w:t>Induc</w:t></w:r><w:r w:rsidR="00778899"><w:rPr><w:b/></w:rPr><w:t>tion</w:t></w:r>',
  '<w:proofErr w:type="spellEnd"/><w:r><w:t xml:space="preserve"> checklist v2.pdf\u201D p.3</w:t></w:r>',
  '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>',
  '<w:del w:id="1" w:author="Applicant" w:date="2026-04-01T10:00:00Z"><w:r><w:delText>deleted words</w:delText></w:r></w:del>',
  '<w:ins w:id="2" w:author="Applicant" w:date="2026-04-01T10:00:00Z"><w:r><w:t xml:space="preserve">, reviewed</w:t></w:r></w:ins>',
  '</w:p>',
  '<w:p w:rsidR="00A1B2C3"><w:r><w:t>Second paragraph</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>after a tab.</w:t></w:r></w:p>',
].join('');

const PASTED_TABLE = [
  '<w:p><w:r><w:t>Evidence summary:</w:t></w:r></w:p>',
  '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>',
  '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>',
  '<w:tr w:rsidR="00AA0000"><w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>Document</w:t></w:r></w:p></w:tc>',
  '<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>Pages</w:t></w:r></w:p></w:tc></w:tr>',
  '<w:tr><w:tc><w:p><w:r><w:t>Risk_Assessment_2026.docx</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2-4</w:t></w:r></w:p></w:tc></w:tr>',
  '</w:tbl><w:p/>',
].join('');

const commentaryOf = (reading: ApplicationFormReading, criterionId: string) =>
  reading.ok ? reading.criteria.find((criterion) => criterion.criterionId === criterionId)?.commentary : undefined;

describe('reading back a form filled in with Word', () => {
  it('returns every criterion with its section and commentary, blank boxes as empty, and the reference', async () => {
    let xml = documentXmlOf(partsOf(await buildApplicationForm(input())));
    xml = fillBox(xml, tagOf('HO', 'HO1'), SPLIT_RUNS_WITH_PROOFING);
    xml = fillBox(xml, tagOf('HO', 'HO2'), PASTED_TABLE);
    xml = fillBox(xml, tagOf('PO', 'PO4'), '<w:p><w:r><w:t>A &amp; B &lt;team&gt; &#x2014; ŵ 😀 &quot;ok&quot;</w:t></w:r></w:p>');
    const parts = partsOf(await buildApplicationForm(input()));

    const reading = readApplicationForm(withDocumentXml(parts, addRsids(xml)));

    expect(reading).toEqual({
      ok: true,
      reference: 'WEQS-2026-0042',
      criteria: catalogue.sections.flatMap((section) =>
        section.criteria.map((criterion) => ({ criterionId: criterion.id, sectionId: section.id, commentary: expect.any(String) })),
      ),
    });
    expect(commentaryOf(reading, 'HO1')).toBe('Our policy is in \u201CInduction checklist v2.pdf\u201D p.3, reviewed\nSecond paragraph\tafter a tab.');
    expect(commentaryOf(reading, 'HO2')).toBe('Evidence summary:\nDocument\tPages\nRisk_Assessment_2026.docx\t2-4');
    expect(commentaryOf(reading, 'PO4')).toBe('A & B <team> \u2014 ŵ 😀 "ok"');
    const filled = new Set(['HO1', 'HO2', 'PO4']);
    expect(reading.ok && reading.criteria.filter((criterion) => !filled.has(criterion.criterionId)).every((criterion) => criterion.commentary === '')).toBe(true);
  });

  it('reads an untouched form as all boxes empty', async () => {
    const reading = readApplicationForm(await buildApplicationForm(input()));
    expect(reading.ok).toBe(true);
    expect(reading.ok && reading.criteria.length).toBe(25);
    expect(reading.ok && reading.criteria.every((criterion) => criterion.commentary === '')).toBe(true);
  });

  it('treats whitespace, our prompt and the prompt Word shows in an emptied box as empty', async () => {
    let xml = documentXmlOf(partsOf(await buildApplicationForm(input())));
    xml = fillBox(xml, tagOf('PP', 'PP1'), '<w:p><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>Click or tap here to enter text.</w:t></w:r></w:p>');
    xml = fillBox(xml, tagOf('PP', 'PP2'), '<w:p><w:r><w:t xml:space="preserve">   </w:t></w:r><w:r><w:tab/></w:r></w:p><w:p/><w:p/>');
    xml = fillBox(xml, tagOf('PP', 'PP3'), `<w:p><w:r><w:t xml:space="preserve">  ${COMMENTARY_PLACEHOLDER} </w:t></w:r></w:p>`);
    const reading = readApplicationForm(withDocumentXml(partsOf(await buildApplicationForm(input())), xml));
    expect([commentaryOf(reading, 'PP1'), commentaryOf(reading, 'PP2'), commentaryOf(reading, 'PP3')]).toEqual(['', '', '']);
  });

  it('includes text typed below the box in the same cell', async () => {
    const xml = documentXmlOf(partsOf(await buildApplicationForm(input())));
    const { end } = controlSpan(xml, tagOf('DP', 'DP2'));
    expect(xml.slice(end, end + 13)).toBe('<w:p/></w:tc>');
    const edited = `${xml.slice(0, end)}<w:p><w:r><w:t>Typed below the box.</w:t></w:r></w:p>${xml.slice(end + '<w:p/>'.length)}`;
    expect(commentaryOf(readApplicationForm(withDocumentXml(partsOf(await buildApplicationForm(input())), edited)), 'DP2')).toBe('Typed below the box.');
  });

  it('adds the text of a box copied elsewhere to its criterion rather than listing it twice', async () => {
    let xml = documentXmlOf(partsOf(await buildApplicationForm(input())));
    xml = fillBox(xml, tagOf('RR', 'RR1'), '<w:p><w:r><w:t>In the box.</w:t></w:r></w:p>');
    const { start, end } = controlSpan(xml, tagOf('RR', 'RR1'));
    const copy = xml.slice(start, end).replace('In the box.', 'In the copy.');
    const bodyEnd = xml.indexOf('<w:sectPr');
    xml = xml.slice(0, bodyEnd) + copy + xml.slice(bodyEnd);
    const reading = readApplicationForm(withDocumentXml(partsOf(await buildApplicationForm(input())), xml));
    expect(reading.ok && reading.criteria.filter((criterion) => criterion.criterionId === 'RR1')).toEqual([
      { criterionId: 'RR1', sectionId: 'RR', commentary: 'In the box.\n\nIn the copy.' },
    ]);
  });

  it('recognises boxes by their titles when another editor dropped their tags, as LibreOffice does', async () => {
    const parts = partsOf(await buildApplicationForm(input()));
    const xml = fillBox(documentXmlOf(parts), tagOf('PI', 'PI3'), '<w:p><w:r><w:t>Met the team on day one.</w:t></w:r></w:p>');
    const reading = readApplicationForm(withDocumentXml(parts, xml.replace(/<w:tag w:val="[^"]*"\/>/g, '')));
    expect(reading).toMatchObject({ ok: true, reference: 'WEQS-2026-0042' });
    expect(reading.ok && reading.criteria).toHaveLength(25);
    expect(reading.ok && reading.criteria.find((criterion) => criterion.criterionId === 'PI3')).toEqual({
      criterionId: 'PI3',
      sectionId: 'PI',
      commentary: 'Met the team on day one.',
    });
  });

  it('leaves out a box that has lost both its tag and its title, for the caller to report as missing', async () => {
    const parts = partsOf(await buildApplicationForm(input()));
    const xml = documentXmlOf(parts);
    const { start, end } = controlSpan(xml, tagOf('HO', 'HO4'));
    const stripped = xml.slice(start, end).replace(/<w:tag [^>]*\/>|<w:alias [^>]*\/>/g, '');
    const reading = readApplicationForm(withDocumentXml(parts, xml.slice(0, start) + stripped + xml.slice(end)));
    expect(reading.ok && reading.criteria.map((criterion) => criterion.criterionId)).not.toContain('HO4');
    expect(reading.ok && reading.criteria).toHaveLength(24);
  });

  it('reads the reference from the document properties when the reference box is gone, and vice versa', async () => {
    const parts = partsOf(await buildApplicationForm(input({ reference: 'WEQS/2026 <7> & "x"' })));
    const xml = documentXmlOf(parts);
    const { start, end } = controlSpan(xml, 'weqs:reference');
    const withoutBox = withDocumentXml(parts, xml.slice(0, start) + xml.slice(end));
    expect(readApplicationForm(withoutBox)).toMatchObject({ ok: true, reference: 'WEQS/2026 <7> & "x"' });

    const { 'docProps/custom.xml': _custom, ...withoutProperties } = parts;
    expect(readApplicationForm(zipSync(withoutProperties))).toMatchObject({ ok: true, reference: 'WEQS/2026 <7> & "x"' });
  });
});

// ---------------------------------------------------------------------------------------------
// Rejections
// ---------------------------------------------------------------------------------------------

describe('readApplicationForm rejects what is not a readable form', () => {
  it.each([
    ['plain text', strToU8('Please find our application attached.')],
    ['an empty file', new Uint8Array()],
    ['a PDF', strToU8('%PDF-1.7\n%âãÏÓ\n1 0 obj')],
  ])('%s is not a docx', (_, bytes) => {
    expect(readApplicationForm(bytes)).toMatchObject({ ok: false, reason: 'not-a-docx' });
  });

  it('explains that an old .doc or password-protected file must be saved as .docx', () => {
    const reading = readApplicationForm(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(reading).toMatchObject({ ok: false, reason: 'not-a-docx' });
    expect(!reading.ok && reading.detail).toContain('.docx');
  });

  it('a zip that is not a Word document is not a docx', () => {
    expect(readApplicationForm(zipSync({ 'evidence/notes.txt': strToU8('hello') }))).toMatchObject({ ok: false, reason: 'not-a-docx' });
  });

  it('a spreadsheet is not a docx', () => {
    const xlsx = zipSync({
      '[Content_Types].xml': strToU8(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
      ),
      '_rels/.rels': strToU8(
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ),
      'xl/workbook.xml': strToU8('<workbook/>'),
    });
    expect(readApplicationForm(xlsx)).toMatchObject({ ok: false, reason: 'not-a-docx' });
  });

  it('a Word document that is not our form is not our form', async () => {
    const other = await Packer.pack(new Document({ sections: [{ children: [new Paragraph('Our own application, in our own format.')] }] }), 'uint8array');
    expect(readApplicationForm(other)).toMatchObject({ ok: false, reason: 'not-our-form' });
  });

  it('a truncated download is damaged', async () => {
    const form = await buildApplicationForm(input());
    expect(readApplicationForm(form.slice(0, Math.floor(form.length / 2)))).toMatchObject({ ok: false, reason: 'damaged' });
  });

  it('a form whose document part is not well-formed XML is damaged', async () => {
    const parts = partsOf(await buildApplicationForm(input()));
    const xml = documentXmlOf(parts);
    expect(readApplicationForm(withDocumentXml(parts, xml.slice(0, xml.length - 40)))).toMatchObject({ ok: false, reason: 'damaged' });
  });

  it('refuses a document type declaration instead of resolving its entities', async () => {
    const parts = partsOf(await buildApplicationForm(input()));
    const xml = fillBox(documentXmlOf(parts), tagOf('HO', 'HO1'), '<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>').replace(
      '<w:document ',
      '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><w:document ',
    );
    expect(readApplicationForm(withDocumentXml(parts, xml))).toMatchObject({ ok: false, reason: 'damaged' });
  });
});

// ---------------------------------------------------------------------------------------------
// The form's content
// ---------------------------------------------------------------------------------------------

/** All text of a part, in order, with entities decoded. */
function textOf(xml: string): string {
  const decode = (text: string) =>
    text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name] ?? '');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((match) => decode(match[1] ?? '')).join('');
}

function paragraphsStyled(xml: string, style: string): string[] {
  return [...xml.matchAll(/<w:p>([\s\S]*?)<\/w:p>/g)].filter((match) => match[1]?.includes(`<w:pStyle w:val="${style}"/>`)).map((match) => textOf(match[1] ?? ''));
}

describe('buildApplicationForm', () => {
  it('writes the organisation, reference, requester, dates and completion guidance', async () => {
    const text = textOf(documentXmlOf(partsOf(await buildApplicationForm(input()))));
    for (const expected of [
      'Example Hospitals NHS Foundation Trust',
      'Application reference: WEQS-2026-0042',
      'Requested by: Jane Smith (jane.smith@example.nhs.uk)',
      'Form issued: 3 March 2026',
      'The next submission deadline is 18 May 2027.',
      CURRENT_EVIDENCE_RULE,
      'face-to-face work experience',
      'pre-employment programmes or online work-related learning',
      'Anonymise them',
      'Complete every supporting commentary box',
      'name every supporting document by its file name and page numbers',
      'Use each file name exactly as it appears in your SharePoint folder',
      'Bronze4Silver8Gold12',
      'Upload the evidence for this section to the folder: 1 Healthcare organisation',
      'Upload the evidence for this section to the folder: 6 Post Placement',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('leaves out the requester and deadline when they are not known', async () => {
    const { requesterName: _requesterName, requesterEmail: _requesterEmail, nextDeadline: _nextDeadline, ...unknowns } = input();
    const text = textOf(documentXmlOf(partsOf(await buildApplicationForm(unknowns))));
    expect(text).not.toContain('Requested by');
    expect(text).not.toContain('Next submission deadline');
    expect(text).not.toMatch(/The next submission deadline is/);
  });

  it('uses real headings: the title, Heading 1 per part and section, Heading 2 within the guidance', async () => {
    const xml = documentXmlOf(partsOf(await buildApplicationForm(input())));
    expect(paragraphsStyled(xml, 'Title')).toEqual(['Work Experience Quality Standard application form']);
    expect(paragraphsStyled(xml, 'Heading1')).toEqual([
      'How to complete this form',
      ...catalogue.sections.map((section, index) => `Section ${index + 1}: ${section.title}`),
    ]);
    expect(paragraphsStyled(xml, 'Heading2')).toEqual(['Evidence', 'Supporting commentary', 'Returning the form']);
  });

  it('marks the first row of every table as a repeating header row', async () => {
    const xml = documentXmlOf(partsOf(await buildApplicationForm(input())));
    const tables = [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((match) => match[1] ?? '');
    expect(tables).toHaveLength(1 + catalogue.sections.length);
    for (const table of tables) {
      const rows = table.split('<w:tr>').slice(1);
      expect(rows[0]).toContain('<w:tblHeader/>');
      expect(rows.slice(1).some((row) => row.includes('<w:tblHeader/>'))).toBe(false);
    }
  });

  it('gives each criterion its text and one locked, tagged commentary box with a prompt', async () => {
    const xml = documentXmlOf(partsOf(await buildApplicationForm(input())));
    for (const section of catalogue.sections) {
      for (const criterion of section.criteria) {
        const tag = tagOf(section.id, criterion.id);
        expect(xml.split(`<w:tag w:val="${tag}"/>`)).toHaveLength(2);
        const control = xml.slice(controlSpan(xml, tag).start, controlSpan(xml, tag).end);
        expect(control).toContain(`<w:alias w:val="Supporting commentary for ${criterion.id}"/>`);
        expect(control).toContain('<w:lock w:val="sdtLocked"/>');
        expect(control).toContain('<w:showingPlcHdr/>');
        expect(textOf(control)).toBe(COMMENTARY_PLACEHOLDER);
        expect(textOf(xml)).toContain(criterion.text);
      }
    }
  });

  it('sets Arial, British English and an accessible placeholder colour in the styles', async () => {
    const styles = strFromU8(partsOf(await buildApplicationForm(input()))['word/styles.xml']!);
    expect(styles).toContain('w:ascii="Arial"');
    expect(styles).toContain('<w:lang w:val="en-GB"/>');
    expect(styles).toMatch(/<w:style w:type="character" w:styleId="PlaceholderText">[\s\S]*?<w:color w:val="595959"\/>/);
  });

  it('never sends placeholder criteria', async () => {
    await expect(buildApplicationForm(input({ catalogue: example }))).rejects.toThrow(/Placeholder criteria/);
  });

  it('without a loaded catalogue, has the six sections with one commentary box each and points to the framework document', async () => {
    const fallback = frameworkSectionsCatalogue();
    const bytes = await buildApplicationForm(input({ catalogue: fallback }));
    const text = textOf(documentXmlOf(partsOf(bytes)));
    expect(text).toContain('the criteria for each section are in the Work Experience Quality Standard Framework document');
    for (const [index, title] of FRAMEWORK_SECTION_TITLES.entries()) expect(text).toContain(`Section ${index + 1}: ${title}`);
    for (const title of FRAMEWORK_SECTION_TITLES) expect(text).toContain(`Every criterion in the ${title} section of the Work Experience Quality Standard Framework.`);
    expect(text).not.toMatch(/HO1|placeholder/i);
    // Read back: six commentary boxes, one per section.
    const reading = readApplicationForm(bytes);
    expect(reading.ok && reading.criteria.map((box) => box.criterionId)).toEqual(['Section-1', 'Section-2', 'Section-3', 'Section-4', 'Section-5', 'Section-6']);
  });

  it('says the award minimums are minimums, not the award', async () => {
    const text = textOf(documentXmlOf(partsOf(await buildApplicationForm(input()))));
    expect(text).toContain('minimum number of completed, anonymised documents across the whole application to be eligible for each award');
    expect(text).not.toContain('The award you can receive depends on how many');
  });

  it('refuses to build a form without an organisation name or reference, or with an invalid date', async () => {
    await expect(buildApplicationForm(input({ organisationName: ' \n ' }))).rejects.toThrow(RangeError);
    await expect(buildApplicationForm(input({ reference: '' }))).rejects.toThrow(RangeError);
    await expect(buildApplicationForm(input({ issuedOn: new Date('not a date') }))).rejects.toThrow(RangeError);
  });

  describe('with hostile organisation names', () => {
    const name300 = `${'N'.repeat(100)} ${'ñ'.repeat(99)} ${'中'.repeat(99)}`;
    it.each([
      ['markup', '<script>alert(1)</script>'],
      ['ampersand and quotes', 'A & B "Trust" \'Hospital\''],
      ['a path', '../../etc'],
      ['XML-looking text', 'Trust ]]> &amp; <!-- x --> <?pi?>'],
      ['Welsh', 'Bwrdd Iechyd Prifysgol Betsi Cadwaladr – Ysbyty Gwynedd (ŵ ŷ)'],
      ['Arabic', 'مستشفى الملك فيصل التخصصي'],
      ['emoji', '🏥 Happy Hospital 😀 NHS Trust 👩🏽‍⚕️'],
      ['300 characters', name300],
    ])('%s: writes a valid document that shows the name literally', async (_, organisationName) => {
      const docx = await buildApplicationForm(input({ organisationName, requesterName: organisationName, reference: `REF-${organisationName.slice(0, 20)}` }));
      const parts = partsOf(docx);
      for (const [name, bytes] of Object.entries(parts)) {
        if (name.endsWith('.xml') || name.endsWith('.rels')) expect(XMLValidator.validate(strFromU8(bytes)), name).toBe(true);
      }
      const text = textOf(documentXmlOf(parts));
      expect(text).toContain(`Healthcare organisation: ${organisationName}`);
      expect(text).toContain(`Requested by: ${organisationName}`);
      expect(documentXmlOf(parts)).not.toContain('<script>');
      expect(readApplicationForm(docx)).toMatchObject({ ok: true, reference: `REF-${organisationName.slice(0, 20)}`.replace(/\s+/g, ' ').trim() });
    });

    it('drops characters XML cannot carry and puts a multi-line name on one line', async () => {
      const docx = await buildApplicationForm(input({ organisationName: 'Trust\u0000\u0007 of\nthe\u000B North\uFFFF \uD800 Wales' }));
      const parts = partsOf(docx);
      expect(XMLValidator.validate(documentXmlOf(parts))).toBe(true);
      expect(XMLValidator.validate(strFromU8(parts['docProps/core.xml']!))).toBe(true);
      expect(textOf(documentXmlOf(parts))).toContain('Healthcare organisation: Trust of the North Wales');
    });
  });
});
