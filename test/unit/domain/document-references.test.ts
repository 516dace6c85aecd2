import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findReferencedDocuments } from '../../../src/domain/document-references.js';

const uploaded = ['Induction checklist v2.pdf', 'Risk_Assessment_2026.docx', 'Feedback form.xlsx', 'Policy.pdf'];

describe('findReferencedDocuments', () => {
  it.each([
    ['see "Induction checklist v2.pdf" p.3', ['Induction checklist v2.pdf']],
    ['Pre-placement risk assessment (Risk_Assessment_2026.docx, pages 2-4)', ['Risk_Assessment_2026.docx']],
    ['Feedback form.xlsx', ['Feedback form.xlsx']],
    ['We use the feedback FORM.XLSX every time.', ['Feedback form.xlsx']],
    ['see Induction checklist v2 (p.3)', ['Induction checklist v2.pdf']],
    ['see Induction\n checklist   v2.pdf', ['Induction checklist v2.pdf']],
    ['“Risk_Assessment_2026”, p.2; Feedback form.xlsx.', ['Risk_Assessment_2026.docx', 'Feedback form.xlsx']],
    ['See \'Policy\' page 1', ['Policy.pdf']],
  ])('finds the uploaded files named in %j', (commentary, expected) => {
    expect(findReferencedDocuments(commentary, uploaded)).toEqual({ referenced: expected, missing: [] });
  });

  it.each([
    ['Feedback form 2.xlsx', 'Feedback form 2.xlsx'],
    ['see "Supervisor guide.docx" p.4', 'Supervisor guide.docx'],
    ['(see the attached Welcome pack 2026.pptx, slides 3-5)', 'Welcome pack 2026.pptx'],
    ['Learners complete Careers leaflet.pdf after placement', 'Careers leaflet.pdf'],
    ['the organisation\'s \'Timetable.docx\' (p.4)', 'Timetable.docx'],
    ['Report (final).pdf', 'Report (final).pdf'],
    ['https://trust.example.nhs.uk/docs/leaflet.pdf.', 'leaflet.pdf'],
    ['Induction checklist v2.docx', 'Induction checklist v2.docx'],
  ])('reports a file-like name that was not uploaded as missing: %j', (commentary, name) => {
    expect(findReferencedDocuments(commentary, uploaded)).toEqual({ referenced: [name], missing: [name] });
  });

  it('lists references in the order they are first mentioned, each once', () => {
    const commentary = 'Minutes.docx records it; see Policy.pdf, then minutes.DOCX again and Induction checklist v2.pdf and Policy.';
    expect(findReferencedDocuments(commentary, uploaded)).toEqual({
      referenced: ['Minutes.docx', 'Policy.pdf', 'Induction checklist v2.pdf'],
      missing: ['Minutes.docx'],
    });
  });

  it('does not count a single ordinary word as naming a file unless it is quoted', () => {
    expect(findReferencedDocuments('Our policy is reviewed yearly.', uploaded)).toEqual({ referenced: [], missing: [] });
    expect(findReferencedDocuments('Our "policy" is reviewed yearly.', uploaded).referenced).toEqual(['Policy.pdf']);
  });

  it('does not mistake version numbers, page numbers, abbreviations or web addresses for files', () => {
    const commentary = 'Version 2.1, p.3, e.g. pages 2-4, see www.nhs.uk and hee.nhs.uk/work-experience.';
    expect(findReferencedDocuments(commentary, uploaded)).toEqual({ referenced: [], missing: [] });
  });

  it('does not match a name inside a longer word', () => {
    expect(findReferencedDocuments('NewPolicy.pdf', ['Policy.pdf'])).toEqual({ referenced: ['NewPolicy.pdf'], missing: ['NewPolicy.pdf'] });
  });

  it('finds nothing in an empty commentary', () => {
    expect(findReferencedDocuments('', uploaded)).toEqual({ referenced: [], missing: [] });
    expect(findReferencedDocuments('   ', [])).toEqual({ referenced: [], missing: [] });
  });

  describe('properties', () => {
    const extension = fc.constantFrom('pdf', 'docx', 'xlsx', 'pptx', 'jpg', 'PDF');
    const nameCharacter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-()&'.split(''), 'é', 'ŵ', 'ع');
    const fileName = fc
      .tuple(fc.array(nameCharacter, { minLength: 1, maxLength: 25 }), extension)
      .map(([characters, ext]) => `${characters.join('').trim() || 'x'}.${ext}`);
    const prose = fc.array(fc.constantFrom(...'abcdefghij klmnop.,;:"\'()[]\n'.split('')), { maxLength: 60 }).map((characters) => characters.join(''));

    it('never throws, whatever the commentary and file names', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 6 }), (commentary, names) => {
          const result = findReferencedDocuments(commentary, names);
          expect(result.missing.every((name) => result.referenced.includes(name))).toBe(true);
        }),
      );
    });

    it('always counts a file name mentioned verbatim as referenced, and not missing', () => {
      fc.assert(
        fc.property(prose, fc.array(fileName, { minLength: 1, maxLength: 5 }), prose, fc.nat(4), (before, names, after, pick) => {
          const mentioned = names[pick % names.length]!;
          const result = findReferencedDocuments(`${before} ${mentioned} ${after}`, names);
          expect(result.referenced).toContain(mentioned);
          expect(result.missing).not.toContain(mentioned);
        }),
      );
    });

    it('never reports an uploaded file whose name is not mentioned, with or without its extension', () => {
      fc.assert(
        fc.property(prose, fc.array(fileName, { minLength: 1, maxLength: 5 }), (commentary, names) => {
          const result = findReferencedDocuments(commentary, names);
          const flat = (text: string) => text.replace(/\s+/g, ' ').toLowerCase();
          for (const name of names) {
            const stem = name.slice(0, name.lastIndexOf('.')).trim();
            if (!flat(commentary).includes(flat(stem))) expect(result.referenced).not.toContain(name);
          }
        }),
      );
    });

    it('reports as missing only names written in the commentary', () => {
      fc.assert(
        fc.property(prose, fc.array(fileName, { maxLength: 4 }), fc.array(fileName, { maxLength: 3 }), (text, mentioned, names) => {
          const commentary = [text, ...mentioned].join(' ');
          const result = findReferencedDocuments(commentary, names);
          const flat = (value: string) => value.replace(/\s+/g, ' ').toLowerCase();
          for (const name of result.missing) {
            expect(flat(commentary)).toContain(flat(name));
            expect(names.map(flat)).not.toContain(flat(name));
          }
        }),
      );
    });
  });
});
