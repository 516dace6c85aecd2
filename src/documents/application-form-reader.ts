/**
 * Reads back the application form that `buildApplicationForm` wrote, after the applicant has
 * filled it in with Word.
 *
 * How commentary boxes are found. Each box is a rich-text content control (`w:sdt`) whose tag
 * (`w:tag`) names the section and criterion: `weqs:commentary:<sectionId>:<criterionId>`.
 * Content controls are Word's own mechanism for form fields: Word keeps their tag through any
 * editing inside them (split runs, rsids, proofing marks, pasted tables, new paragraphs), while
 * it freely renumbers bookmarks, drops a bookmark when its text is typed over, and rewrites
 * formatting. The control is written "cannot be deleted" (`w:lock sdtLocked`), so Word also keeps
 * it when the applicant selects and replaces everything in the box. The tag is never shown to
 * the applicant, so it cannot be typed over, and it does not depend on text the applicant may edit.
 *
 * Other editors are less careful: LibreOffice (7.4, tried) keeps a control's title (`w:alias`)
 * but drops its tag, and Google Docs drops controls altogether. So each box's title also names
 * its criterion ("Supporting commentary for HO1"), and the form's custom properties, which both
 * Word and LibreOffice keep, map each section to its criteria; a box without a tag is
 * recognised by its title. A box found neither way is left out, and the caller reports it as
 * missing.
 *
 * Each control sits alone in a table cell followed by the empty paragraph Word requires at the
 * end of a cell. A click below the control lands in that paragraph, so the commentary is the
 * text of the whole cell, not only of the control.
 *
 * Safety: the zip is read with fflate, only the few parts needed are inflated, each with a size
 * cap; XML with a DTD is refused outright (Word never writes one), and entities are decoded here
 * rather than by the parser, so no entity is ever expanded or resolved.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type ApplicationFormReading =
  | { ok: true; reference?: string; criteria: { criterionId: string; sectionId: string; commentary: string }[] }
  | { ok: false; reason: 'not-a-docx' | 'not-our-form' | 'damaged'; detail: string };

// ---------------------------------------------------------------------------------------------
// What a form carries so that it can be read back. The builder imports these.
// ---------------------------------------------------------------------------------------------

const COMMENTARY_TAG_PREFIX = 'weqs:commentary:';

/** Tag of the content control holding the application reference, shown after this label. */
export const REFERENCE_TAG = 'weqs:reference';
export const REFERENCE_LABEL = 'Application reference';

/** Custom document properties (File > Info > Properties), which Word keeps on save. */
export const FORM_PROPERTY = 'WEQS form';
export const FORM_PROPERTY_VALUE = 'application-form/1';
export const REFERENCE_PROPERTY = 'WEQS application reference';
const SECTION_PROPERTY_PREFIX = 'WEQS section ';

/** One property per section, listing its criterion ids: short, as Word limits property text to 255 characters. */
export function sectionProperty(sectionId: string, criterionIds: readonly string[]): { name: string; value: string } {
  return { name: `${SECTION_PROPERTY_PREFIX}${sectionId}`, value: criterionIds.join(',') };
}

/** The prompt shown in an empty commentary box; a box holding only this is empty. */
export const COMMENTARY_PLACEHOLDER = 'Type your supporting commentary here.';

// What Word puts in a content control whose placeholder it cannot find (ours has no glossary
// entry), after the applicant empties the box.
const WORD_DEFAULT_PLACEHOLDERS = ['Click or tap here to enter text.', 'Click here to enter text.'];

const COMMENTARY_ALIAS_PREFIX = 'Supporting commentary for ';

export function commentaryTag(sectionId: string, criterionId: string): string {
  return `${COMMENTARY_TAG_PREFIX}${sectionId}:${criterionId}`;
}

/** The box's title, which Word shows on the control and screen readers announce. */
export function commentaryAlias(criterionId: string): string {
  return `${COMMENTARY_ALIAS_PREFIX}${criterionId}`;
}

function parseCommentaryTag(tag: string): { sectionId: string; criterionId: string } | undefined {
  if (!tag.startsWith(COMMENTARY_TAG_PREFIX)) return undefined;
  const [sectionId, criterionId, ...rest] = tag.slice(COMMENTARY_TAG_PREFIX.length).split(':');
  if (!sectionId || !criterionId || rest.length > 0) return undefined;
  return { sectionId, criterionId };
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

// A filled-in form is tens of kilobytes; pasted pictures live in other parts, which are not read.
const MAX_PART_BYTES = 32 * 1024 * 1024;
const WORD_MAIN_CONTENT_TYPES = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  'application/vnd.ms-word.document.macroEnabled.main+xml',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml',
  'application/vnd.ms-word.template.macroEnabledTemplate.main+xml',
];

class Rejection extends Error {
  constructor(
    readonly reason: 'not-a-docx' | 'not-our-form' | 'damaged',
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function readApplicationForm(docx: Uint8Array): ApplicationFormReading {
  try {
    const mainPart = parseXml(readMainPart(docx), 'its main part');
    return readForm(mainPart, readCustomProperties(docx));
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, reason: error.reason, detail: error.detail };
    // Anything else, such as a stack overflow on absurdly deep nesting, is still a file we
    // cannot read: the caller needs an answer to give the applicant, not an exception.
    return { ok: false, reason: 'damaged', detail: `The file could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function readMainPart(docx: Uint8Array): string {
  if (!looksLikeZip(docx)) {
    const legacy = docx[0] === 0xd0 && docx[1] === 0xcf && docx[2] === 0x11 && docx[3] === 0xe0;
    throw new Rejection(
      'not-a-docx',
      legacy
        ? 'The file is an older Word (.doc) file or a password-protected document; please save it as an unprotected .docx.'
        : 'The file is not a Word document (.docx).',
    );
  }
  const packageParts = unzipParts(docx, ['[Content_Types].xml', '_rels/.rels']);
  const relationships = packageParts.get('_rels/.rels');
  const contentTypes = packageParts.get('[Content_Types].xml');
  if (relationships === undefined || contentTypes === undefined) {
    throw new Rejection('not-a-docx', 'The file is a zip archive but not a Word document (.docx).');
  }
  const mainPartName = officeDocumentPartName(parseXml(relationships, 'its package relationships'));
  const contentType = mainPartName === undefined ? undefined : partContentType(parseXml(contentTypes, 'its content types'), mainPartName);
  if (mainPartName === undefined || contentType === undefined || !WORD_MAIN_CONTENT_TYPES.includes(contentType)) {
    throw new Rejection('not-a-docx', 'The file is an Office or zip file but not a Word document (.docx).');
  }
  const main = unzipParts(docx, [mainPartName]).get(mainPartName);
  if (main === undefined) throw new Rejection('damaged', `The Word document is missing its main part (${mainPartName}).`);
  return main;
}

/** Optional: a form whose properties were lost or mangled can still be read from its content. */
function readCustomProperties(docx: Uint8Array): XmlNode[] {
  try {
    const xml = unzipParts(docx, ['docProps/custom.xml']).get('docProps/custom.xml');
    return xml === undefined ? [] : parseXml(xml, 'its custom properties');
  } catch (error) {
    if (error instanceof Rejection) return [];
    throw error;
  }
}

function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

function unzipParts(docx: Uint8Array, names: readonly string[]): Map<string, string> {
  let tooLarge: string | undefined;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(docx, {
      filter: (file) => {
        if (!names.includes(file.name)) return false;
        if (file.originalSize > MAX_PART_BYTES) tooLarge = file.name;
        return tooLarge === undefined;
      },
    });
  } catch (error) {
    throw new Rejection('damaged', `The Word document is damaged and cannot be opened (${error instanceof Error ? error.message : 'unreadable zip'}).`);
  }
  if (tooLarge !== undefined) throw new Rejection('damaged', `The Word document's ${tooLarge} is too large to read.`);
  const parts = new Map<string, string>();
  // Some tools start XML parts with a byte-order mark, which the validator would reject.
  for (const [name, bytes] of Object.entries(entries)) parts.set(name, strFromU8(bytes).replace(/^\uFEFF/, ''));
  return parts;
}

function officeDocumentPartName(relationships: readonly XmlNode[]): string | undefined {
  const relationship = descendants(relationships, 'Relationship').find((element) =>
    (element.attributes.Type ?? '').endsWith('/officeDocument'),
  );
  const target = relationship?.attributes.Target;
  return target === undefined ? undefined : target.replace(/^\//, '');
}

function partContentType(contentTypes: readonly XmlNode[], partName: string): string | undefined {
  const override = descendants(contentTypes, 'Override').find(
    (element) => (element.attributes.PartName ?? '').replace(/^\//, '').toLowerCase() === partName.toLowerCase(),
  );
  if (override !== undefined) return override.attributes.ContentType;
  const extension = partName.slice(partName.lastIndexOf('.') + 1).toLowerCase();
  return descendants(contentTypes, 'Default').find((element) => (element.attributes.Extension ?? '').toLowerCase() === extension)?.attributes
    .ContentType;
}

// ---------------------------------------------------------------------------------------------
// The form's content
// ---------------------------------------------------------------------------------------------

interface FoundBox {
  readonly sectionId: string;
  readonly criterionId: string;
  readonly control: XmlElement;
  readonly cell: XmlElement | undefined;
}

function readForm(document: readonly XmlNode[], customProperties: readonly XmlNode[]): ApplicationFormReading {
  const sectionOfCriterion = criterionSections(customProperties);
  const boxes: FoundBox[] = [];
  let referenceControl: XmlElement | undefined;
  walk(document, [], (control, ancestors) => {
    if (control.name !== 'sdt') return;
    const tag = controlProperty(control, 'tag');
    const alias = controlProperty(control, 'alias');
    if (tag === REFERENCE_TAG || (tag === undefined && alias === REFERENCE_LABEL)) referenceControl ??= control;
    const ids = tag !== undefined ? parseCommentaryTag(tag) : alias === undefined ? undefined : idsFromAlias(alias, sectionOfCriterion);
    if (ids !== undefined) boxes.push({ ...ids, control, cell: ancestors.findLast((ancestor) => ancestor.name === 'tc') });
  });

  const formProperty = customProperty(customProperties, FORM_PROPERTY);
  if (boxes.length === 0 && formProperty === undefined) {
    throw new Rejection('not-our-form', 'The Word document is not a Work Experience Quality Standard application form issued by us: it has no commentary boxes.');
  }

  const boxesPerCell = new Map<XmlElement, number>();
  for (const box of boxes) if (box.cell !== undefined) boxesPerCell.set(box.cell, (boxesPerCell.get(box.cell) ?? 0) + 1);

  // A box copied elsewhere in the document keeps its tag; its text is added to the original's
  // rather than listed twice, so the caller sees one answer per criterion.
  const criteria = new Map<string, { criterionId: string; sectionId: string; commentary: string }>();
  for (const box of boxes) {
    const onlyBoxInCell = box.cell !== undefined && boxesPerCell.get(box.cell) === 1;
    const commentary = withoutPlaceholder(
      onlyBoxInCell && box.cell !== undefined ? blockText(box.cell.children) : blockText(controlContent(box.control)),
    );
    const existing = criteria.get(box.criterionId);
    if (existing === undefined) criteria.set(box.criterionId, { criterionId: box.criterionId, sectionId: box.sectionId, commentary });
    else if (commentary !== '') existing.commentary = existing.commentary === '' ? commentary : `${existing.commentary}\n\n${commentary}`;
  }

  const reference =
    nonEmpty(referenceControl === undefined ? undefined : withoutLabel(normaliseSpaces(blockText(controlContent(referenceControl))))) ??
    nonEmpty(customProperty(customProperties, REFERENCE_PROPERTY)?.trim());
  return { ok: true, ...(reference === undefined ? {} : { reference }), criteria: [...criteria.values()] };
}

function withoutLabel(text: string): string {
  const label = `${REFERENCE_LABEL}:`;
  return text.toLowerCase().startsWith(label.toLowerCase()) ? text.slice(label.length).trim() : text;
}

function controlProperty(control: XmlElement, name: 'tag' | 'alias'): string | undefined {
  const properties = childElements(control.children).find((child) => child.name === 'sdtPr');
  const property = properties === undefined ? undefined : childElements(properties.children).find((child) => child.name === name);
  return property?.attributes.val;
}

function idsFromAlias(alias: string, sectionOfCriterion: ReadonlyMap<string, string>): { sectionId: string; criterionId: string } | undefined {
  if (!alias.startsWith(COMMENTARY_ALIAS_PREFIX)) return undefined;
  const criterionId = alias.slice(COMMENTARY_ALIAS_PREFIX.length).trim();
  const sectionId = sectionOfCriterion.get(criterionId);
  return sectionId === undefined ? undefined : { sectionId, criterionId };
}

function criterionSections(customProperties: readonly XmlNode[]): Map<string, string> {
  const sections = new Map<string, string>();
  for (const property of descendants(customProperties, 'property')) {
    const name = property.attributes.name ?? '';
    if (!name.startsWith(SECTION_PROPERTY_PREFIX)) continue;
    const sectionId = name.slice(SECTION_PROPERTY_PREFIX.length);
    for (const criterionId of textContent(property.children).split(',')) if (criterionId.trim() !== '') sections.set(criterionId.trim(), sectionId);
  }
  return sections;
}

function controlContent(control: XmlElement): readonly XmlNode[] {
  return childElements(control.children).find((child) => child.name === 'sdtContent')?.children ?? [];
}

function customProperty(properties: readonly XmlNode[], name: string): string | undefined {
  const property = descendants(properties, 'property').find((element) => element.attributes.name === name);
  return property === undefined ? undefined : textContent(property.children);
}

function textContent(nodes: readonly XmlNode[]): string {
  return nodes.map((node) => (typeof node === 'string' ? node : textContent(node.children))).join('');
}

function withoutPlaceholder(text: string): string {
  const tidy = tidyText(text);
  const withoutPrompt = tidyText(tidy.split(COMMENTARY_PLACEHOLDER).join(''));
  const isWordDefault = WORD_DEFAULT_PLACEHOLDERS.some((placeholder) => normaliseSpaces(withoutPrompt).toLowerCase() === placeholder.toLowerCase());
  return isWordDefault ? '' : withoutPrompt;
}

// ---------------------------------------------------------------------------------------------
// Text of WordprocessingML
// ---------------------------------------------------------------------------------------------

// Properties, deleted text (tracked changes), text moved away and field codes are not what the
// reader of the document sees.
const SKIPPED = new Set([
  'pPr', 'rPr', 'tblPr', 'trPr', 'tcPr', 'sdtPr', 'sdtEndPr', 'tblGrid', 'sectPr',
  'del', 'moveFrom', 'delText', 'instrText', 'delInstrText', 'Fallback',
]);

/** Paragraphs on their own lines; a table's rows on lines, its cells separated by tabs. */
function blockText(nodes: readonly XmlNode[]): string {
  const lines: string[] = [];
  for (const node of childElements(nodes)) {
    if (SKIPPED.has(node.name)) continue;
    if (node.name === 'p') lines.push(inlineText(node.children));
    else if (node.name === 'tbl') lines.push(tableText(node));
    else {
      const text = blockText(node.name === 'sdt' ? controlContent(node) : node.children);
      if (text !== '') lines.push(text);
    }
  }
  return lines.join('\n');
}

function tableText(table: XmlElement): string {
  return descendantsStoppingAt(table.children, 'tr')
    .map((row) => descendantsStoppingAt(row.children, 'tc').map((cell) => normaliseSpaces(blockText(cell.children))).join('\t'))
    .join('\n');
}

function inlineText(nodes: readonly XmlNode[]): string {
  let text = '';
  for (const node of nodes) {
    if (typeof node === 'string') continue;
    if (SKIPPED.has(node.name)) continue;
    switch (node.name) {
      case 't':
        text += node.children.filter((child): child is string => typeof child === 'string').join('');
        break;
      case 'tab':
        text += '\t';
        break;
      case 'br':
      case 'cr':
        text += '\n';
        break;
      case 'noBreakHyphen':
        text += '-';
        break;
      case 'txbxContent':
        text += `\n${blockText(node.children)}\n`;
        break;
      default:
        text += inlineText(node.name === 'sdt' ? controlContent(node) : node.children);
    }
  }
  return text;
}

function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function normaliseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

// ---------------------------------------------------------------------------------------------
// XML
// ---------------------------------------------------------------------------------------------

interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}
type XmlNode = XmlElement | string;

// Namespace prefixes are dropped: Word always writes `w:`, but nothing requires it to, and no
// two names read here clash across the namespaces a document uses. Entities are left to
// `decodeEntities` (see the module comment); values stay strings ("007" is not a number).
const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function parseXml(xml: string, what: string): XmlNode[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new Rejection('damaged', `The file is damaged or unsafe: ${what} contains a document type declaration, which Word never writes.`);
  }
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new Rejection('damaged', `The Word document is damaged: ${what} is not well-formed XML (line ${validation.err.line}: ${validation.err.msg}).`);
  }
  return toNodes(parser.parse(xml) as unknown);
}

function toNodes(parsed: unknown): XmlNode[] {
  if (!Array.isArray(parsed)) return [];
  const nodes: XmlNode[] = [];
  for (const entry of parsed as unknown[]) {
    if (!isRecord(entry)) continue;
    for (const [key, value] of Object.entries(entry)) {
      if (key === ':@') continue;
      if (key === '#text') nodes.push(decodeEntities(String(value)));
      else nodes.push({ name: key, attributes: attributesOf(entry[':@']), children: toNodes(value) });
    }
  }
  return nodes;
}

function attributesOf(raw: unknown): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (isRecord(raw)) for (const [name, value] of Object.entries(raw)) attributes[name] = decodeEntities(String(value));
  return attributes;
}

const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, hex: string | undefined, decimal: string | undefined, named: string | undefined) => {
    if (named !== undefined) return NAMED_ENTITIES[named] ?? whole;
    const codePoint = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(decimal ?? '', 10);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childElements(nodes: readonly XmlNode[]): XmlElement[] {
  return nodes.filter((node): node is XmlElement => typeof node !== 'string');
}

function walk(nodes: readonly XmlNode[], ancestors: XmlElement[], visit: (element: XmlElement, ancestors: readonly XmlElement[]) => void): void {
  for (const element of childElements(nodes)) {
    visit(element, ancestors);
    ancestors.push(element);
    walk(element.children, ancestors, visit);
    ancestors.pop();
  }
}

function descendants(nodes: readonly XmlNode[], name: string): XmlElement[] {
  const found: XmlElement[] = [];
  walk(nodes, [], (element) => {
    if (element.name === name) found.push(element);
  });
  return found;
}

/** The nearest elements called `name`, looking through wrappers (content controls, custom XML) but not into them. */
function descendantsStoppingAt(nodes: readonly XmlNode[], name: string): XmlElement[] {
  return childElements(nodes).flatMap((element) => {
    if (element.name === name) return [element];
    if (SKIPPED.has(element.name)) return [];
    return descendantsStoppingAt(element.name === 'sdt' ? controlContent(element) : element.children, name);
  });
}
