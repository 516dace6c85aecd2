import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { awardLevelForDocumentCount } from '../../../src/domain/award.js';
import {
  assessEvidenceReadiness,
  currentFromDate,
  isCommentaryEmpty,
  isHiddenOrSystemFile,
  type EvidenceFile,
  type EvidenceReadinessInput,
  type EvidenceSection,
} from '../../../src/domain/evidence-readiness.js';
import { ukEndOfDay } from '../../../src/domain/uk-dates.js';

export const sections: EvidenceSection[] = [
  { id: 'HO', title: 'Healthcare organisation', folderName: '1. Healthcare organisation' },
  { id: 'PP', title: 'Pre-Placement', folderName: '2. Pre-Placement' },
  { id: 'PI', title: 'Placement Induction', folderName: '3. Placement Induction' },
  { id: 'DP', title: 'During Placement', folderName: '4. During Placement' },
  { id: 'RR', title: 'Reflection and Review', folderName: '5. Reflection and Review' },
  { id: 'PO', title: 'Post Placement', folderName: '6. Post Placement' },
];

const FORM = 'WEQS application form - Acme Hospital.docx';
const deadline = ukEndOfDay('2027-01-18');
const recent = new Date('2026-11-01T10:00:00Z');

function file(folder: string | null, name: string, overrides: Partial<EvidenceFile> = {}): EvidenceFile {
  return { path: folder === null ? [] : [folder], name, lastModified: recent, size: 20_480, ...overrides };
}

const form = file(null, FORM);

/** `count` current documents spread over the sections in turn. */
function documents(count: number): EvidenceFile[] {
  return Array.from({ length: count }, (_, i) => {
    const section = sections[i % sections.length] as EvidenceSection;
    return file(section.folderName, `Completed document ${i + 1}.pdf`);
  });
}

function assess(overrides: Partial<EvidenceReadinessInput> = {}) {
  return assessEvidenceReadiness({ files: [form, ...documents(6)], sections, applicationFormName: FORM, deadline, ...overrides });
}

describe('assessEvidenceReadiness', () => {
  it('is ready for review with the form and one current document in each of the six sections', () => {
    const readiness = assess({
      commentary: [{ criterionId: 'PP2', sectionId: 'PP', commentary: 'See Completed document 2.pdf, page 3.' }],
      references: [{ criterionId: 'PP2', referenced: ['Completed document 2.pdf'] }],
    });
    expect(readiness).toMatchObject({
      readyForReview: true,
      reasons: [],
      formPresent: true,
      commentaryChecked: true,
      currentDocumentCount: 6,
      supportedLevel: 'bronze',
      emptySections: [],
      notes: [],
      advice: [],
    });
    expect(readiness.sections.map((s) => [s.sectionId, s.currentCount])).toEqual([
      ['HO', 1],
      ['PP', 1],
      ['PI', 1],
      ['DP', 1],
      ['RR', 1],
      ['PO', 1],
    ]);
  });

  it.each([
    [3, 'none'],
    [4, 'bronze'],
    [7, 'bronze'],
    [8, 'silver'],
    [11, 'silver'],
    [12, 'gold'],
  ] as const)('supports the right level with %i current documents', (count, level) => {
    expect(assess({ files: [form, ...documents(count)] }).supportedLevel).toBe(level);
  });

  it.each([
    [3, 'bronze', '1 more current document is needed for Bronze (4 needed, 3 found).'],
    [7, 'silver', '1 more current document is needed for Silver (8 needed, 7 found).'],
    [11, 'gold', '1 more current document is needed for Gold (12 needed, 11 found).'],
    [5, 'silver', '3 more current documents are needed for Silver (8 needed, 5 found).'],
  ] as const)('with %i documents says exactly how many more are needed for %s', (count, level, message) => {
    const gaps = assess({ files: [form, ...documents(count)] }).missingForLevel(level);
    expect(gaps.filter((gap) => gap.kind === 'documents-short').map((gap) => gap.message)).toEqual([message]);
  });

  it.each([
    [4, 'bronze'],
    [8, 'silver'],
    [12, 'gold'],
  ] as const)('with %i documents has no document shortfall for %s', (count, level) => {
    expect(assess({ files: [form, ...documents(count)] }).missingForLevel(level).filter((gap) => gap.kind === 'documents-short')).toEqual([]);
  });

  it('is ready with 4 documents when two sections have none (not a published rule), and advises on those sections', () => {
    const readiness = assess({ files: [form, ...documents(4)] });
    expect(readiness.supportedLevel).toBe('bronze');
    expect(readiness.readyForReview).toBe(true);
    expect(readiness.emptySections).toEqual(['RR', 'PO']);
    expect(readiness.reasons).toEqual([]);
    expect(readiness.advice.filter((note) => /has no documents yet/.test(note))).toEqual([
      expect.stringMatching(/^Reflection and Review has no documents yet\./),
      expect.stringMatching(/^Post Placement has no documents yet\./),
    ]);
  });

  it('blocks on an empty section only when staff switch that rule on', () => {
    const readiness = assess({ files: [form, ...documents(4)], extraRules: { documentInEverySection: true } });
    expect(readiness.readyForReview).toBe(false);
    expect(readiness.reasons.map((r) => r.message)).toEqual(['Reflection and Review has no documents.', 'Post Placement has no documents.']);
  });

  it('advises on a commentary box that names only documents older than 12 months, and on one without page numbers', () => {
    const old = new Date('2024-05-01T12:00:00Z');
    const readiness = assess({
      files: [form, ...documents(5), file('1. Healthcare organisation', 'Old policy.pdf', { lastModified: old })],
      commentary: [
        { criterionId: 'HO1', sectionId: 'HO', commentary: 'See Old policy.pdf, page 3.' },
        { criterionId: 'HO2', sectionId: 'HO', commentary: 'See the policy document.' },
        { criterionId: 'HO3', sectionId: 'HO', commentary: 'See pp. 4-5 of the handbook.' },
      ],
      references: [{ criterionId: 'HO1', referenced: ['Old policy.pdf'] }, { criterionId: 'HO2', referenced: [] }, { criterionId: 'HO3', referenced: [] }],
    });
    expect(readiness.advice).toContain('The commentary for HO1 names only documents older than 12 months. Evidence must be current: dated within the 12 months before the submission deadline.');
    expect(readiness.advice).toContain('The commentary for HO2 gives no page numbers. The standard asks commentary to name each document with its page numbers.');
    expect(readiness.advice.some((note) => note.includes('HO3 gives no page numbers'))).toBe(false);
  });

  it('is not ready when the application form is missing', () => {
    const readiness = assess({ files: documents(12) });
    expect(readiness.formPresent).toBe(false);
    expect(readiness.readyForReview).toBe(false);
    expect(readiness.reasons).toEqual([{ kind: 'form-missing', message: `The application form '${FORM}' is not in the folder.` }]);
  });

  it('finds the form in a subfolder and with different case, and never counts it', () => {
    const readiness = assess({ files: [file('2. Pre-Placement', FORM.toUpperCase()), ...documents(6)] });
    expect(readiness.formPresent).toBe(true);
    expect(readiness.currentDocumentCount).toBe(6);
  });

  it('treats an empty (zero-byte) form as missing', () => {
    expect(assess({ files: [file(null, FORM, { size: 0 }), ...documents(6)] }).formPresent).toBe(false);
  });

  it('ignores Office lock files, dot files, system files and empty files', () => {
    const readiness = assess({
      files: [
        form,
        ...documents(6),
        file('2. Pre-Placement', '~$Completed document 2.docx'),
        file('2. Pre-Placement', '.DS_Store'),
        file('2. Pre-Placement', 'Thumbs.db'),
        { ...file(null, 'notes.txt'), path: ['2. Pre-Placement', '.hidden'] },
        file('2. Pre-Placement', 'Blank upload.pdf', { size: 0 }),
      ],
    });
    expect(readiness.currentDocumentCount).toBe(6);
    expect(readiness.ignoredFiles.map((f) => [f.name, f.reason])).toEqual([
      ['~$Completed document 2.docx', 'hidden-or-system'],
      ['.DS_Store', 'hidden-or-system'],
      ['Thumbs.db', 'hidden-or-system'],
      ['notes.txt', 'hidden-or-system'],
      ['Blank upload.pdf', 'empty'],
    ]);
  });

  it('counts documents in subfolders of a section folder', () => {
    const readiness = assess({ files: [form, ...documents(6), { ...file(null, 'Feedback 1.pdf'), path: ['4. During Placement', 'Feedback forms'] }] });
    expect(readiness.sections.find((s) => s.sectionId === 'DP')?.currentCount).toBe(2);
  });

  it('matches a section folder renamed to the section title, ignoring case and dash style', () => {
    const readiness = assess({ files: [form, file('pre–placement', 'Letter.pdf')] });
    expect(readiness.sections.find((s) => s.sectionId === 'PP')?.currentCount).toBe(1);
  });

  it('reports files outside the section folders separately, without counting them', () => {
    const readiness = assess({ files: [form, ...documents(6), file(null, 'Policy.pdf'), file('Misc', 'Rota.xlsx')] });
    expect(readiness.currentDocumentCount).toBe(6);
    expect(readiness.outsideSections.map((d) => d.name)).toEqual(['Policy.pdf', 'Rota.xlsx']);
    expect(readiness.readyForReview).toBe(true);
    expect(readiness.notes).toEqual([
      "2 files are not inside a section folder and will not count until moved into the right section: 'Policy.pdf', 'Misc/Rota.xlsx'.",
    ]);
  });

  describe('twelve-month currency', () => {
    function currencyOf(deadlineDate: string, overrides: Partial<EvidenceFile>): boolean | undefined {
      const readiness = assessEvidenceReadiness({
        files: [file('2. Pre-Placement', 'Doc.pdf', overrides)],
        sections,
        applicationFormName: FORM,
        deadline: ukEndOfDay(deadlineDate),
      });
      return readiness.sections.find((s) => s.sectionId === 'PP')?.documents[0]?.current;
    }

    it('counts a document dated exactly one year before the deadline day, and not the day before', () => {
      expect(currentFromDate(ukEndOfDay('2027-01-18'))).toBe('2026-01-18');
      expect(currencyOf('2027-01-18', { lastModified: new Date('2026-01-18T00:00:00.000Z') })).toBe(true);
      expect(currencyOf('2027-01-18', { lastModified: new Date('2026-01-17T23:59:59.999Z') })).toBe(false);
    });

    it('reads last-modified times as UK dates, so 00:30 BST on the boundary day counts', () => {
      expect(currencyOf('2027-06-18', { lastModified: new Date('2026-06-17T23:00:00.000Z') })).toBe(true);
      expect(currencyOf('2027-06-18', { lastModified: new Date('2026-06-17T22:59:59.999Z') })).toBe(false);
    });

    it('uses 28 February as the boundary for a 29 February deadline', () => {
      expect(currentFromDate(ukEndOfDay('2028-02-29'))).toBe('2027-02-28');
      expect(currencyOf('2028-02-29', { lastModified: new Date('2027-02-28T12:00:00Z') })).toBe(true);
      expect(currencyOf('2028-02-29', { lastModified: new Date('2027-02-27T12:00:00Z') })).toBe(false);
    });

    it('counts a 29 February document for a deadline of 28 February the next year', () => {
      expect(currentFromDate(ukEndOfDay('2029-02-28'))).toBe('2028-02-28');
      expect(currencyOf('2029-02-28', { lastModified: new Date('2028-02-29T12:00:00Z') })).toBe(true);
      expect(currencyOf('2029-02-28', { lastModified: new Date('2028-02-27T12:00:00Z') })).toBe(false);
    });

    it("prefers the document's own date to its last-modified time", () => {
      const readiness = assess({
        files: [form, ...documents(6), file('2. Pre-Placement', 'Old letter.pdf', { documentDate: new Date('2025-03-03T00:00:00Z') })],
      });
      expect(readiness.staleDocuments).toMatchObject([{ name: 'Old letter.pdf', date: '2025-03-03', dateSource: 'document', current: false }]);
      expect(readiness.currentDocumentCount).toBe(6);
      expect(readiness.notes).toEqual([
        "1 document is dated before 18 Jan 2026 and will not count at the deadline: 'Old letter.pdf' (Pre-Placement, dated 3 Mar 2025).",
      ]);
    });

    it('counts a section holding only stale documents as empty, and says why', () => {
      const old = new Date('2024-05-01T12:00:00Z');
      const files = [form, ...documents(5), file('6. Post Placement', 'A.pdf', { lastModified: old }), file('6. Post Placement', 'B.pdf', { lastModified: old })];
      const readiness = assess({ files, extraRules: { documentInEverySection: true } });
      expect(readiness.emptySections).toEqual(['PO']);
      expect(readiness.reasons.map((r) => r.message)).toEqual(['Post Placement has no current documents (2 are older than 12 months).']);
      expect(assess({ files }).advice).toContain(
        "Post Placement has no current documents (2 are older than 12 months). The standard counts documents across the whole application, but reviewers look for evidence for every section's criteria.",
      );
    });
  });

  describe('commentary', () => {
    it('reports empty, blank and placeholder commentary boxes by criterion', () => {
      const readiness = assess({
        commentary: [
          { criterionId: 'HO1', sectionId: 'HO', commentary: 'Completed document 1.pdf shows our policy.' },
          { criterionId: 'PP1', sectionId: 'PP', commentary: '' },
          { criterionId: 'PP2', sectionId: 'PP', commentary: '   \n ' },
          { criterionId: 'PI1', sectionId: 'PI', commentary: 'Click or tap here to enter text.' },
          { criterionId: 'DP1', sectionId: 'DP', commentary: 'N/A' },
        ],
      });
      expect(readiness.emptyCommentary).toEqual(['PP1', 'PP2', 'PI1', 'DP1']);
      expect(readiness.readyForReview).toBe(false);
      expect(readiness.reasons.map((r) => r.message)).toContain('The commentary for PP2 is empty.');
    });

    it('recognises filled commentary', () => {
      expect(isCommentaryEmpty('See Induction checklist.pdf p2')).toBe(false);
      expect(isCommentaryEmpty('-')).toBe(true);
      expect(isCommentaryEmpty('TBC.')).toBe(true);
      expect(isCommentaryEmpty('Type your supporting commentary here.')).toBe(true);
    });

    it('does not check commentary it was not given, and says so', () => {
      const readiness = assess();
      expect(readiness.commentaryChecked).toBe(false);
      expect(readiness.readyForReview).toBe(true);
    });

    it('reports a referenced document that is not in the folder', () => {
      const readiness = assess({
        commentary: [{ criterionId: 'PP2', sectionId: 'PP', commentary: 'See Risk assessment.pdf' }],
        references: [{ criterionId: 'PP2', referenced: ['Risk assessment.pdf'] }],
      });
      expect(readiness.missingReferences).toEqual([{ criterionId: 'PP2', documentName: 'Risk assessment.pdf' }]);
      expect(readiness.reasons.map((r) => r.message)).toEqual([
        "The commentary for PP2 references 'Risk assessment.pdf', which is not in the folder.",
      ]);
    });

    it('finds a referenced document by name without its extension, ignoring case, anywhere in the folder', () => {
      const readiness = assess({
        files: [form, ...documents(6), file(null, 'Induction Checklist v2.1.docx')],
        references: [{ criterionId: 'PI1', referenced: ['induction checklist v2.1', 'Completed Document 3.PDF'] }],
      });
      expect(readiness.missingReferences).toEqual([]);
    });

    it("trusts the form reader's own list of missing documents when given", () => {
      const readiness = assess({ references: [{ criterionId: 'PO1', referenced: ['Survey.pdf'], missing: ['Survey.pdf'] }] });
      expect(readiness.missingReferences).toEqual([{ criterionId: 'PO1', documentName: 'Survey.pdf' }]);
    });

    it('reports filled commentary that names no document', () => {
      const readiness = assess({
        commentary: [{ criterionId: 'RR1', sectionId: 'RR', commentary: 'We review every placement.' }],
        references: [{ criterionId: 'RR1', referenced: [] }],
      });
      expect(readiness.unreferencedCommentary).toEqual(['RR1']);
      expect(readiness.reasons.map((r) => r.message)).toEqual(['The commentary for RR1 does not name any evidence document.']);
    });

    it('notes, without blocking, a referenced document that is too old', () => {
      const readiness = assess({
        files: [form, ...documents(6), file('1. Healthcare organisation', 'Policy 2023.pdf', { lastModified: new Date('2023-09-01T12:00:00Z') })],
        references: [{ criterionId: 'HO1', referenced: ['Policy 2023.pdf'] }],
      });
      expect(readiness.readyForReview).toBe(true);
      expect(readiness.notes).toContain(
        "The commentary for HO1 names 'Policy 2023.pdf', which is dated 1 Sep 2023. Evidence must be current: dated within the 12 months before the submission deadline.",
      );
    });
  });

  it('lists everything missing for gold in a fixed order', () => {
    const readiness = assessEvidenceReadiness({
      files: documents(5),
      sections,
      applicationFormName: FORM,
      deadline,
      commentary: [{ criterionId: 'PP2', sectionId: 'PP', commentary: '' }],
      references: [{ criterionId: 'PI1', referenced: ['Risk assessment.pdf'] }],
      extraRules: { documentInEverySection: true },
    });
    expect(readiness.missingForLevel('gold').map((gap) => gap.kind)).toEqual([
      'form-missing',
      'documents-short',
      'section-empty',
      'commentary-empty',
      'reference-missing',
    ]);
    expect(readiness.reasons).toEqual(readiness.missingForLevel('bronze'));
  });

  it('keeps its counts consistent for any folder listing', () => {
    const sectionFolder = fc.constantFrom(...sections.map((s) => s.folderName), 'Misc', '.trash');
    const fileArbitrary = fc.record({
      path: fc.oneof(fc.constant<string[]>([]), fc.tuple(sectionFolder), fc.tuple(sectionFolder, fc.constantFrom('Sub', '.git'))),
      name: fc.oneof(fc.constantFrom(FORM, '~$lock.docx', '.hidden', 'Thumbs.db'), fc.string({ minLength: 1, maxLength: 12 })),
      lastModified: fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-01-18T00:00:00Z'), noInvalidDate: true }),
      documentDate: fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-01-18T00:00:00Z'), noInvalidDate: true }),
      size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000_000 })),
    }, { requiredKeys: ['path', 'name', 'lastModified', 'size'] }); // documentDate sometimes absent
    fc.assert(
      fc.property(fc.array(fileArbitrary, { maxLength: 40 }), (files) => {
        const r = assessEvidenceReadiness({ files, sections, applicationFormName: FORM, deadline });
        const sum = (f: (s: (typeof r.sections)[number]) => number) => r.sections.reduce((total, s) => total + f(s), 0);
        expect(sum((s) => s.documents.length)).toBe(r.sectionDocumentCount);
        expect(sum((s) => s.currentCount)).toBe(r.currentDocumentCount);
        expect(sum((s) => s.staleCount)).toBe(r.staleDocuments.length);
        expect(r.currentDocumentCount + r.staleDocuments.length).toBe(r.sectionDocumentCount);
        const forms = files.filter((f) => f.name === FORM && f.size > 0 && !isHiddenOrSystemFile(f)).length;
        expect(r.sectionDocumentCount + r.outsideSections.length + r.ignoredFiles.length + forms).toBe(files.length);
        expect(r.supportedLevel).toBe(awardLevelForDocumentCount(r.currentDocumentCount));
        expect(r.emptySections).toEqual(r.sections.filter((s) => s.currentCount === 0).map((s) => s.sectionId));
        expect(r.readyForReview).toBe(r.reasons.length === 0);
      }),
    );
  });
});
