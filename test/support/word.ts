import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

/** Editing a weqs application form the way Microsoft Word saves it, for tests. */
export type Parts = Record<string, Uint8Array>;

export const partsOf = (docx: Uint8Array): Parts => unzipSync(docx);
export const documentXmlOf = (parts: Parts): string => strFromU8(parts['word/document.xml'] ?? new Uint8Array());
export const withDocumentXml = (parts: Parts, xml: string): Uint8Array => zipSync({ ...parts, 'word/document.xml': strToU8(xml) });

/** The span of the content control tagged `tag`: from `<w:sdt>` to `</w:sdt>`. */
export function controlSpan(xml: string, tag: string): { start: number; end: number } {
  const tagAt = xml.indexOf(`<w:tag w:val="${tag}"/>`);
  if (tagAt < 0) throw new Error(`no control tagged ${tag}`);
  const start = xml.lastIndexOf('<w:sdt>', tagAt);
  const end = xml.indexOf('</w:sdt>', tagAt) + '</w:sdt>'.length;
  return { start, end };
}

/**
 * Types `content` into a box as Word saves it: Word drops the placeholder flag, adds an id,
 * run properties and appearance to the control's properties, and writes its own paragraphs.
 */
export function fillBox(xml: string, tag: string, content: string): string {
  const { start, end } = controlSpan(xml, tag);
  const control = xml
    .slice(start, end)
    .replace('<w:sdtPr>', '<w:sdtPr><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>')
    .replace(`<w:tag w:val="${tag}"/>`, `<w:tag w:val="${tag}"/><w:id w:val="-1262379047"/>`)
    .replace('<w:showingPlcHdr/>', '<w15:appearance w15:val="tags"/>')
    .replace(/<w:sdtContent>[\s\S]*<\/w:sdtContent>/, `<w:sdtContent>${content}</w:sdtContent>`)
    .replace('</w:sdtPr>', '</w:sdtPr><w:sdtEndPr/>');
  return xml.slice(0, start) + control + xml.slice(end);
}

/** Word adds revision ids to every paragraph and run when it saves. */
export function addRsids(xml: string): string {
  return xml.replace(/<w:p>/g, '<w:p w14:paraId="2C1A5F3E" w14:textId="77777777" w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6">').replace(/<w:r>/g, '<w:r w:rsidRPr="00112233">');
}

export const tagOf = (sectionId: string, criterionId: string): string => `weqs:commentary:${sectionId}:${criterionId}`;

const paragraph = (text: string): string => `<w:p><w:r><w:t xml:space="preserve">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</w:t></w:r></w:p>`;

/** Fills the named boxes with plain text, as an applicant would in Word. */
export function fillApplicationForm(docx: Uint8Array, boxes: readonly { sectionId: string; criterionId: string; text: string }[]): Uint8Array {
  const parts = partsOf(docx);
  let xml = documentXmlOf(parts);
  for (const box of boxes) xml = fillBox(xml, tagOf(box.sectionId, box.criterionId), paragraph(box.text));
  return withDocumentXml(parts, addRsids(xml));
}
