/**
 * The personalised application form weqs puts in an organisation's SharePoint folder.
 *
 * The form is read back by `readApplicationForm`, which finds each commentary box by its content
 * control tag (see that module for why content controls). Everything else here is for the
 * applicant: plain headings, real lists, tables with marked header rows, Arial at 12 point.
 *
 * Every piece of text from outside (organisation and requester names, catalogue text) is passed
 * to docx as text, which escapes it, after removing characters XML cannot carry at all.
 */
import {
  AlignmentType,
  BorderStyle,
  BuilderElement,
  Document,
  FileChild,
  Footer,
  HeadingLevel,
  HeightRule,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  StringValueElement,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { AWARD_DOCUMENT_THRESHOLDS, AWARD_LEVELS, formatAwardLevel } from '../domain/award.js';
import { FRAMEWORK_DOCUMENT_NAME, FRAMEWORK_DOCUMENT_WHERE } from '../domain/criteria-catalogue.js';
import type { CatalogueSection, CriteriaCatalogue, Criterion } from '../domain/criteria-catalogue.js';
import { CURRENT_EVIDENCE_RULE } from '../domain/evidence-readiness.js';
import { formatUkDate } from '../domain/uk-dates.js';
import {
  COMMENTARY_PLACEHOLDER,
  FORM_PROPERTY,
  FORM_PROPERTY_VALUE,
  REFERENCE_LABEL,
  REFERENCE_PROPERTY,
  REFERENCE_TAG,
  commentaryAlias,
  commentaryTag,
  sectionProperty,
} from './application-form-reader.js';

export interface ApplicationFormInput {
  organisationName: string;
  reference: string;
  requesterName?: string;
  requesterEmail?: string;
  issuedOn: Date;
  catalogue: CriteriaCatalogue;
  /** Already formatted, e.g. "18 May 2027". */
  nextDeadline?: string;
}

const FORM_TITLE = 'Work Experience Quality Standard application form';
const FONT = 'Arial';
// NHS blue on white is 6.4:1; the placeholder grey is 7:1 (Word's own placeholder grey is 3.9:1).
const HEADING_COLOUR = '005EB8';
const PLACEHOLDER_COLOUR = '595959';
const PLACEHOLDER_STYLE = 'PlaceholderText';
// A4 with 2.5 cm margins, in twips.
const TEXT_WIDTH = 11906 - 2 * 1418;
const CRITERION_COLUMN = Math.round(TEXT_WIDTH * 0.36);
const COMMENTARY_COLUMN = TEXT_WIDTH - CRITERION_COLUMN;
// Tall enough to look like somewhere to write; Word grows the row as the applicant types.
const COMMENTARY_MIN_HEIGHT = 2268;

export async function buildApplicationForm(input: ApplicationFormInput): Promise<Uint8Array> {
  const organisationName = singleLine(input.organisationName);
  const reference = singleLine(input.reference);
  if (organisationName === '') throw new RangeError('An application form needs the organisation name.');
  if (reference === '') throw new RangeError('An application form needs the application reference.');
  if (Number.isNaN(input.issuedOn.getTime())) throw new RangeError('An application form needs a valid issue date.');

  const document = new Document({
    title: `${FORM_TITLE}: ${organisationName}`,
    subject: `Application reference ${reference}`,
    creator: 'NHS Work Experience Quality Standard',
    description: `Application form for ${organisationName}, issued ${formatUkDate(input.issuedOn, 'medium')}.`,
    customProperties: [
      { name: FORM_PROPERTY, value: FORM_PROPERTY_VALUE },
      { name: REFERENCE_PROPERTY, value: reference },
      { name: 'WEQS criteria version', value: singleLine(input.catalogue.version) },
      ...input.catalogue.sections.map((section) => sectionProperty(section.id, section.criteria.map((criterion) => criterion.id))),
    ],
    styles: documentStyles(),
    sections: [
      {
        properties: { page: { margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
        footers: { default: footer(reference) },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [text(FORM_TITLE)] }),
          ...detailsBlock({ ...input, organisationName, reference }),
          ...criteriaNotice(input.catalogue),
          ...howToComplete(input.nextDeadline === undefined ? undefined : singleLine(input.nextDeadline)),
          ...input.catalogue.sections.flatMap((section, index) => sectionBlock(section, index)),
        ],
      },
    ],
  });
  return Packer.pack(document, 'uint8array');
}

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

function detailsBlock(input: ApplicationFormInput): (Paragraph | ContentControl)[] {
  const name = singleLine(input.requesterName ?? '');
  const email = singleLine(input.requesterEmail ?? '');
  const requester = [name, email === '' ? '' : `(${email})`].filter((part) => part !== '').join(' ');
  return [
    labelled('Healthcare organisation', input.organisationName),
    // Locked so the reference cannot be edited, and tagged so it is found without parsing text.
    new ContentControl({
      tag: REFERENCE_TAG,
      alias: REFERENCE_LABEL,
      lock: 'sdtContentLocked',
      content: [labelled(REFERENCE_LABEL, input.reference)],
    }),
    ...(requester === '' ? [] : [labelled('Requested by', requester)]),
    labelled('Form issued', formatUkDate(input.issuedOn, 'medium')),
    ...(input.nextDeadline === undefined ? [] : [labelled('Next submission deadline', singleLine(input.nextDeadline))]),
  ];
}

/**
 * While no catalogue is loaded, the form names where the criteria are instead of listing any.
 * A placeholder catalogue never reaches here in service (the store loads published criteria
 * only); if one is passed, building the form fails rather than send made-up criteria.
 */
function criteriaNotice(catalogue: CriteriaCatalogue): Paragraph[] {
  if (catalogue.source.kind === 'placeholder') throw new RangeError('Placeholder criteria must not be sent to applicants.');
  if (catalogue.source.kind !== 'framework-document') return [];
  return [
    new Paragraph({
      spacing: { before: 240 },
      border: { left: { style: BorderStyle.SINGLE, size: 24, color: HEADING_COLOUR, space: 8 } },
      children: [
        text('Where the criteria are: ', { bold: true }),
        text(
          `the criteria for each section are in the ${FRAMEWORK_DOCUMENT_NAME} document, ${FRAMEWORK_DOCUMENT_WHERE}. Each section below has one supporting commentary box: in it, explain how you meet each of that section's criteria, naming the documents that show it.`,
        ),
      ],
    }),
  ];
}

function howToComplete(nextDeadline: string | undefined): (Paragraph | Table)[] {
  return [
    heading1('How to complete this form'),
    heading2('Evidence'),
    bullet('We only accept evidence about face-to-face work experience. Evidence about pre-employment programmes or online work-related learning cannot be accepted.'),
    bullet(CURRENT_EVIDENCE_RULE),
    bullet(
      'Include completed documents, not only blank templates, that show your templates are used by a variety of host departments and completed by learners. Anonymise them: remove learners\u2019, patients\u2019 and staff members\u2019 personal details.',
    ),
    paragraph(
      'The standard sets a minimum number of completed, anonymised documents across the whole application to be eligible for each award. Meeting a minimum makes you eligible for that level; the award itself depends on how well your evidence meets the criteria.',
    ),
    thresholdsTable(),
    heading2('Supporting commentary'),
    bullet('Complete every supporting commentary box. A criterion without commentary cannot be assessed.'),
    bullet(
      'In each box, explain how you meet the criterion and name every supporting document by its file name and page numbers, for example: Induction checklist v2.pdf, pages 2 to 3.',
    ),
    bullet(
      'Use each file name exactly as it appears in your SharePoint folder, and upload each document to the folder for its section. The folder for each section is named under its heading below.',
    ),
    heading2('Returning the form'),
    bullet('Keep this form in your SharePoint folder. Please do not rename it or remove the commentary boxes: we read your answers from them.'),
    bullet('We accept one application form per organisation.'),
    ...(nextDeadline === undefined ? [] : [bullet(`The next submission deadline is ${nextDeadline}.`)]),
  ];
}

function thresholdsTable(): Table {
  return table(
    [
      { heading: 'Award', width: Math.round(TEXT_WIDTH / 2) },
      { heading: 'Minimum number of completed documents', width: TEXT_WIDTH - Math.round(TEXT_WIDTH / 2) },
    ],
    AWARD_LEVELS.map((level) => [[paragraph(formatAwardLevel(level))], [paragraph(String(AWARD_DOCUMENT_THRESHOLDS[level]))]]),
  );
}

function sectionBlock(section: CatalogueSection, index: number): (Paragraph | Table)[] {
  return [
    heading1(`Section ${index + 1}: ${singleLine(section.title)}`),
    new Paragraph({ children: [text('Upload the evidence for this section to the folder: '), text(singleLine(section.folderName), { bold: true })] }),
    table(
      [
        { heading: 'Criterion', width: CRITERION_COLUMN },
        { heading: 'Supporting commentary (name each document by file name and page numbers)', width: COMMENTARY_COLUMN },
      ],
      section.criteria.map((criterion) => [criterionCell(criterion), commentaryCell(section, criterion)]),
      COMMENTARY_MIN_HEIGHT,
    ),
  ];
}

function criterionCell(criterion: Criterion): Paragraph[] {
  const examples = criterion.evidenceExamples ?? [];
  return [
    new Paragraph({ children: [text(singleLine(criterion.id), { bold: true })] }),
    paragraph(singleLine(criterion.text)),
    ...(examples.length === 0
      ? []
      : [new Paragraph({ spacing: { before: 120 }, children: [text('Examples of evidence: ', { bold: true }), text(examples.map(singleLine).join('; '))] })]),
  ];
}

function commentaryCell(section: CatalogueSection, criterion: Criterion): ContentControl[] {
  return [
    new ContentControl({
      tag: commentaryTag(section.id, criterion.id),
      alias: commentaryAlias(criterion.id),
      lock: 'sdtLocked',
      placeholder: true,
      content: [new Paragraph({ children: [new TextRun({ text: COMMENTARY_PLACEHOLDER, style: PLACEHOLDER_STYLE })] })],
    }),
  ];
}

function footer(reference: string): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        children: [text(`Application ${reference}, page `, { size: 20 }), new TextRun({ children: [PageNumber.CURRENT], size: 20 })],
      }),
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/**
 * A block-level content control. docx has no general content-control class; this extends its
 * `FileChild` the way docx's own table of contents does, so it can stand in the body, and is
 * assembled from `BuilderElement`s, which escape the names and values given.
 */
class ContentControl extends FileChild {
  constructor(options: { tag: string; alias: string; lock: 'sdtLocked' | 'sdtContentLocked'; placeholder?: boolean; content: Paragraph[] }) {
    super('w:sdt');
    this.root.push(
      new BuilderElement({
        name: 'w:sdtPr',
        children: [
          new StringValueElement('w:alias', options.alias),
          new StringValueElement('w:tag', options.tag),
          new BuilderElement({ name: 'w:lock', attributes: { val: { key: 'w:val', value: options.lock } } }),
          // Word selects the whole prompt on the first click, so typing replaces it.
          ...(options.placeholder === true ? [new BuilderElement({ name: 'w:showingPlcHdr' })] : []),
        ],
      }),
      new BuilderElement({ name: 'w:sdtContent', children: options.content }),
    );
  }
}

type CellContent = readonly (Paragraph | ContentControl)[];

function table(columns: readonly { heading: string; width: number }[], rows: readonly (readonly CellContent[])[], minRowHeight?: number): Table {
  const cell = (children: CellContent, width: number, shaded = false) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      margins: { top: 80, bottom: 80, left: 100, right: 100 },
      ...(shaded ? { shading: { fill: 'E8EDEE', type: ShadingType.CLEAR, color: 'auto' } } : {}),
      children: asCellChildren(children),
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: columns.map((column) => column.width),
    rows: [
      // Marked as a header row: repeated on each page and announced as column headers.
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: columns.map((column) => cell([new Paragraph({ children: [text(column.heading, { bold: true })] })], column.width, true)),
      }),
      ...rows.map(
        (cells) =>
          new TableRow({
            ...(minRowHeight === undefined ? {} : { height: { value: minRowHeight, rule: HeightRule.ATLEAST } }),
            children: cells.map((children, index) => cell(children, columns[index]?.width ?? 0)),
          }),
      ),
    ],
  });
}

/**
 * docx types a cell's children as paragraphs and tables only, though a cell may hold any block
 * element, content controls included, and docx writes whatever components it is given. This is
 * the one place the types are overridden.
 */
function asCellChildren(children: CellContent): Paragraph[] {
  return children as Paragraph[];
}

function heading1(title: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.HEADING_1, children: [text(title)] });
}

function heading2(title: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.HEADING_2, children: [text(title)] });
}

function paragraph(content: string): Paragraph {
  return new Paragraph({ children: [text(content)] });
}

function bullet(content: string): Paragraph {
  return new Paragraph({ bullet: { level: 0 }, children: [text(content)] });
}

function labelled(label: string, value: string): Paragraph {
  return new Paragraph({ children: [text(`${label}: `, { bold: true }), text(value)] });
}

function text(content: string, options: { bold?: boolean; size?: number } = {}): TextRun {
  return new TextRun({ text: xmlSafe(content), ...options });
}

// ---------------------------------------------------------------------------------------------
// Text from outside
// ---------------------------------------------------------------------------------------------

// XML 1.0 cannot carry C0 controls other than tab and line breaks, U+FFFE/U+FFFF, or unpaired
// surrogates, escaped or not: one of them would make Word refuse the whole file.
function xmlSafe(value: string): string {
  let safe = '';
  // Iterating by code point leaves an unpaired surrogate on its own, where it is dropped.
  for (const character of value) if (isXmlCharacter(character.codePointAt(0) ?? 0)) safe += character;
  return safe;
}

function isXmlCharacter(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

/** Names, references and dates: one line, single spaces. */
function singleLine(value: string): string {
  return xmlSafe(value).replace(/\s+/g, ' ').trim();
}

function documentStyles() {
  const heading = (size: number, before: number) => ({
    run: { font: FONT, size, bold: true, color: HEADING_COLOUR },
    paragraph: { spacing: { before, after: 120 }, keepNext: true },
  });
  return {
    default: {
      document: { run: { font: FONT, size: 24, language: { value: 'en-GB' } }, paragraph: { spacing: { after: 120, line: 276 } } },
      title: { run: { font: FONT, size: 40, bold: true, color: HEADING_COLOUR }, paragraph: { spacing: { after: 240 } } },
      heading1: heading(32, 360),
      heading2: heading(28, 240),
    },
    characterStyles: [{ id: PLACEHOLDER_STYLE, name: 'Placeholder Text', basedOn: 'DefaultParagraphFont', run: { color: PLACEHOLDER_COLOUR } }],
  };
}
