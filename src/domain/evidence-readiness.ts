/**
 * Evidence readiness: what an organisation's evidence folder supports at a cycle's deadline,
 * and exactly what is missing for the level it is aiming at. The adapter lists the folder; this
 * module only judges the listing.
 *
 * Rules (from the quality standard guidance, with the choices the guidance leaves open):
 * - A document counts when it is inside one of the six section folders (any depth), is not the
 *   application form, is not hidden or a system file, is not empty, and is current.
 * - Current = dated on or after the same UK calendar day one year before the deadline day
 *   (deadline 18 Jan 2027 → dated 18 Jan 2026 or later). When that day does not exist (deadline
 *   29 Feb 2028) the cutoff is 28 Feb 2027. The document's own date is used when the file has
 *   one, otherwise its last-modified time, each taken as a UK calendar date.
 * - Counts are not de-duplicated: a document filed in two sections counts in both, so per-
 *   section counts always add up to the total. Reviewers judge duplicates.
 * - Files outside the section folders do not count; they are reported so the applicant can
 *   move them.
 * - Ready for review (what the deadline workflow acts on) = nothing is missing for bronze:
 *   the application form is present; at least 4 current documents; every section has at least
 *   one current document; and, when the form's commentary was read, every commentary box is
 *   filled, names at least one document, and every document it names is in the folder.
 *   Stale documents and files outside the sections are advice, not blockers.
 */
import {
  AWARD_DOCUMENT_THRESHOLDS,
  awardLevelForDocumentCount,
  formatAwardLevel,
  type AwardLevel,
  type SupportedAwardLevel,
} from './award.js';
import { addUkYears, formatUkDate, ukDateOf, type UkDate } from './uk-dates.js';
import { plural } from './plural.js';

/** One file from the recursive listing of an organisation's folder. */
export interface EvidenceFile {
  /** Folder names from the organisation folder down to the file's folder ([] = top level). */
  path: readonly string[];
  name: string;
  lastModified: Date;
  /** The document's own date where the file carries one (e.g. a date field in the document). */
  documentDate?: Date;
  size: number;
}

/** A framework section, in catalogue order. */
export interface EvidenceSection {
  id: string;
  title: string;
  /** The section's folder directly below the organisation folder. */
  folderName: string;
}

/** One supporting-commentary box from the application form. */
export interface CriterionCommentary {
  criterionId: string;
  sectionId: string;
  commentary: string;
}

/** Documents a commentary box names. `missing`, when given, is trusted instead of matching names here. */
export interface CriterionReferences {
  criterionId: string;
  referenced: readonly string[];
  missing?: readonly string[];
}

export interface EvidenceReadinessInput {
  files: readonly EvidenceFile[];
  sections: readonly EvidenceSection[];
  /** The personalised form's file name; it is found anywhere in the folder and never counted. */
  applicationFormName: string;
  /** The cycle's deadline instant (see `deadlineInstant`). */
  deadline: Date;
  /** The form's commentary boxes, when the form could be read. */
  commentary?: readonly CriterionCommentary[];
  /** Per criterion, the documents its commentary names, when the form could be read. */
  references?: readonly CriterionReferences[];
  /**
   * Rules staff have switched on beyond the published ones. The standard asks for a minimum
   * number of documents across the whole application, not one in every section, so by default
   * an empty section is advice, never a blocker.
   */
  extraRules?: { documentInEverySection?: boolean };
}

export interface EvidenceDocument {
  name: string;
  path: readonly string[];
  /** The section whose folder holds it; undefined for files outside the section folders. */
  sectionId?: string;
  /** The UK date the currency rule used. */
  date: UkDate;
  dateSource: 'document' | 'last-modified';
  current: boolean;
  size: number;
}

export interface SectionEvidence {
  sectionId: string;
  title: string;
  folderName: string;
  documents: EvidenceDocument[];
  currentCount: number;
  staleCount: number;
}

export interface IgnoredFile {
  name: string;
  path: readonly string[];
  reason: 'hidden-or-system' | 'empty';
}

export type ReadinessGap =
  | { kind: 'form-missing'; message: string }
  | { kind: 'documents-short'; message: string; needed: number; have: number; level: AwardLevel }
  | { kind: 'section-empty'; message: string; sectionId: string; staleCount: number }
  | { kind: 'commentary-empty'; message: string; criterionId: string }
  | { kind: 'commentary-unreferenced'; message: string; criterionId: string }
  | { kind: 'reference-missing'; message: string; criterionId: string; documentName: string };

export interface EvidenceReadiness {
  deadline: Date;
  /** Documents dated before this UK date are stale at the deadline. */
  currentFrom: UkDate;
  /** In catalogue order. */
  sections: SectionEvidence[];
  /** Counted files that are not inside any section folder (they do not count). */
  outsideSections: EvidenceDocument[];
  /** Documents in section folders dated before `currentFrom`. */
  staleDocuments: EvidenceDocument[];
  /** Ids of sections without a current document. */
  emptySections: string[];
  /** Current documents in section folders: the count the award level is judged on. */
  currentDocumentCount: number;
  /** All documents in section folders, current or stale. */
  sectionDocumentCount: number;
  supportedLevel: SupportedAwardLevel;
  formPresent: boolean;
  /** False when no commentary was supplied, so the commentary rules could not be checked. */
  commentaryChecked: boolean;
  /** Criterion ids whose commentary box is empty or still holds placeholder text. */
  emptyCommentary: string[];
  /** Criterion ids whose filled commentary names no document (only known when references were given). */
  unreferencedCommentary: string[];
  missingReferences: { criterionId: string; documentName: string }[];
  ignoredFiles: IgnoredFile[];
  /** True when nothing is missing for bronze. */
  readyForReview: boolean;
  /** What stops the application being ready (= `missingForLevel('bronze')`). */
  reasons: ReadinessGap[];
  /** Advice that does not block review (stale documents, misplaced files). */
  notes: string[];
  /**
   * Advice on what the standard does not make a rule (an empty section, unless staff switched
   * that rule on) or asks for without weqs being able to judge it (page numbers, current
   * documents named in commentary). Shown to the applicant; never blocks review.
   */
  advice: string[];
  /** Exactly what is missing for `level`; empty when the evidence is complete for it. */
  missingForLevel(level: AwardLevel): ReadinessGap[];
}

const SYSTEM_FILE_NAMES = new Set(['thumbs.db', 'desktop.ini', '.ds_store']);

/** Office lock files (`~$…`), dot files, files in dot folders and OS thumbnail files. */
export function isHiddenOrSystemFile(file: Pick<EvidenceFile, 'name' | 'path'>): boolean {
  const name = file.name.trim();
  if (name.startsWith('~$') || name.startsWith('.')) return true;
  if (SYSTEM_FILE_NAMES.has(name.toLowerCase())) return true;
  return file.path.some((segment) => segment.trim().startsWith('.'));
}

/** Compares names the way people read them: case, runs of spaces and dash styles do not matter. */
function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

function withoutExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

// Word content controls leave their prompt behind when a box is never typed in (our form's own
// prompt included, should a reader pass it through); "N/A" and the like reference no evidence,
// which the guidance makes mandatory for every box.
const PLACEHOLDER_COMMENTARY = new Set([
  'type your supporting commentary here.',
  'click or tap here to enter text.',
  'click here to enter text.',
  'enter text here',
  'n/a',
  'na',
  'none',
  'tbc',
  'tbd',
  'to follow',
]);

/** True for a commentary box that is blank, punctuation only, or placeholder text. */
export function isCommentaryEmpty(commentary: string): boolean {
  const text = normaliseName(commentary);
  if (!/[\p{L}\p{N}]/u.test(text)) return true;
  return PLACEHOLDER_COMMENTARY.has(text) || PLACEHOLDER_COMMENTARY.has(text.replace(/[.!]+$/, ''));
}

/** The earliest UK date a document may carry and still be current at `deadline`. */
/**
 * The standard's 12-month rule ("evidence needs to be current (dated within the last 12
 * months)"), said one way everywhere: weqs measures the 12 months back from the submission
 * deadline, since that is when the evidence is judged.
 */
export const CURRENT_EVIDENCE_RULE = 'Evidence must be current: dated within the 12 months before the submission deadline.';

// "page 2", "pages 2 to 3", "p. 4", "pp 4-5", "pg 3".
const PAGE_NUMBER = /\b(?:pages?|pp?|pgs?)\.?\s*\d/i;

export function currentFromDate(deadline: Date): UkDate {
  return addUkYears(ukDateOf(deadline), -1);
}


export function assessEvidenceReadiness(input: EvidenceReadinessInput): EvidenceReadiness {
  const currentFrom = currentFromDate(input.deadline);
  const formName = normaliseName(input.applicationFormName);

  const sectionByFolder = new Map<string, EvidenceSection>();
  // Folder names are matched first; a section title is accepted too, in case the applicant
  // renamed a numbered folder ("1. Pre-Placement" → "Pre-Placement").
  for (const section of input.sections) sectionByFolder.set(normaliseName(section.folderName), section);
  for (const section of input.sections) {
    const key = normaliseName(section.title);
    if (!sectionByFolder.has(key)) sectionByFolder.set(key, section);
  }

  const sections: SectionEvidence[] = input.sections.map((section) => ({
    sectionId: section.id,
    title: section.title,
    folderName: section.folderName,
    documents: [],
    currentCount: 0,
    staleCount: 0,
  }));
  const sectionEvidence = new Map(sections.map((entry) => [entry.sectionId, entry]));

  const ignoredFiles: IgnoredFile[] = [];
  const outsideSections: EvidenceDocument[] = [];
  const staleDocuments: EvidenceDocument[] = [];
  const presentNames: EvidenceDocument[] = [];
  let formPresent = false;

  for (const file of input.files) {
    if (isHiddenOrSystemFile(file)) {
      ignoredFiles.push({ name: file.name, path: file.path, reason: 'hidden-or-system' });
      continue;
    }
    if (file.size <= 0) {
      ignoredFiles.push({ name: file.name, path: file.path, reason: 'empty' });
      continue;
    }
    if (normaliseName(file.name) === formName) {
      formPresent = true;
      continue;
    }
    const dated = file.documentDate !== undefined && !Number.isNaN(file.documentDate.getTime());
    const date = ukDateOf(dated && file.documentDate ? file.documentDate : file.lastModified);
    const top = file.path[0];
    const section = top === undefined ? undefined : sectionByFolder.get(normaliseName(top));
    const document: EvidenceDocument = {
      name: file.name,
      path: file.path,
      date,
      dateSource: dated ? 'document' : 'last-modified',
      current: date >= currentFrom,
      size: file.size,
    };
    presentNames.push(document);
    if (!section) {
      outsideSections.push(document);
      continue;
    }
    document.sectionId = section.id;
    const entry = sectionEvidence.get(section.id);
    if (!entry) continue;
    entry.documents.push(document);
    if (document.current) entry.currentCount += 1;
    else {
      entry.staleCount += 1;
      staleDocuments.push(document);
    }
  }

  const currentDocumentCount = sections.reduce((sum, entry) => sum + entry.currentCount, 0);
  const sectionDocumentCount = sections.reduce((sum, entry) => sum + entry.documents.length, 0);
  const emptySections = sections.filter((entry) => entry.currentCount === 0).map((entry) => entry.sectionId);

  const commentaryChecked = input.commentary !== undefined;
  const emptyCommentary = (input.commentary ?? [])
    .filter((entry) => isCommentaryEmpty(entry.commentary))
    .map((entry) => entry.criterionId);

  const referencesByCriterion = new Map((input.references ?? []).map((entry) => [entry.criterionId, entry]));
  const unreferencedCommentary =
    input.references === undefined
      ? []
      : (input.commentary ?? [])
          .filter((entry) => !isCommentaryEmpty(entry.commentary))
          .filter((entry) => (referencesByCriterion.get(entry.criterionId)?.referenced.length ?? 0) === 0)
          .map((entry) => entry.criterionId);

  const findDocument = (reference: string): EvidenceDocument | undefined => {
    const wanted = normaliseName(reference);
    return presentNames.find((doc) => {
      const name = normaliseName(doc.name);
      return name === wanted || normaliseName(withoutExtension(doc.name)) === wanted;
    });
  };
  const missingReferences: { criterionId: string; documentName: string }[] = [];
  const notes: string[] = [];
  for (const entry of input.references ?? []) {
    const missing = entry.missing ?? entry.referenced.filter((reference) => findDocument(reference) === undefined);
    for (const documentName of missing) missingReferences.push({ criterionId: entry.criterionId, documentName });
    for (const reference of entry.referenced) {
      const found = entry.missing === undefined ? findDocument(reference) : undefined;
      if (found && !found.current) {
        notes.push(
          `The commentary for ${entry.criterionId} names '${reference}', which is dated ${formatUkDate(found.date, 'short')}. ${CURRENT_EVIDENCE_RULE}`,
        );
      }
    }
  }

  const titleOf = (sectionId: string | undefined) =>
    input.sections.find((section) => section.id === sectionId)?.title ?? 'the folder';
  if (staleDocuments.length > 0) {
    const list = staleDocuments
      .map((doc) => `'${doc.name}' (${titleOf(doc.sectionId)}, dated ${formatUkDate(doc.date, 'short')})`)
      .join(', ');
    notes.unshift(
      `${plural(staleDocuments.length, 'document is', 'documents are')} dated before ${formatUkDate(currentFrom, 'short')} and will not count at the deadline: ${list}.`,
    );
  }
  if (outsideSections.length > 0) {
    const list = outsideSections.map((doc) => `'${[...doc.path, doc.name].join('/')}'`).join(', ');
    notes.push(
      `${plural(outsideSections.length, 'file is', 'files are')} not inside a section folder and will not count until moved into the right section: ${list}.`,
    );
  }

  // Advice beyond the published rules: shown to the applicant, never blocking (unless switched on).
  const advice: string[] = [];
  const everySection = input.extraRules?.documentInEverySection === true;
  if (!everySection) {
    for (const entry of sections) {
      if (entry.currentCount > 0) continue;
      advice.push(
        entry.staleCount === 0
          ? `${entry.title} has no documents yet. The standard counts documents across the whole application, but reviewers look for evidence for every section's criteria.`
          : `${entry.title} has no current documents (${plural(entry.staleCount, 'is', 'are')} older than 12 months). The standard counts documents across the whole application, but reviewers look for evidence for every section's criteria.`,
      );
    }
  }
  for (const entry of input.references ?? []) {
    if (entry.missing !== undefined || entry.referenced.length === 0) continue;
    const found = entry.referenced.map(findDocument);
    if (found.every((document) => document !== undefined && !document.current)) {
      advice.push(`The commentary for ${entry.criterionId} names only documents older than 12 months. ${CURRENT_EVIDENCE_RULE}`);
    }
  }
  for (const entry of input.commentary ?? []) {
    if (isCommentaryEmpty(entry.commentary) || PAGE_NUMBER.test(entry.commentary)) continue;
    advice.push(`The commentary for ${entry.criterionId} gives no page numbers. The standard asks commentary to name each document with its page numbers.`);
  }

  const missingForLevel = (level: AwardLevel): ReadinessGap[] => {
    const gaps: ReadinessGap[] = [];
    if (!formPresent) {
      gaps.push({
        kind: 'form-missing',
        message: `The application form '${input.applicationFormName}' is not in the folder.`,
      });
    }
    const needed = AWARD_DOCUMENT_THRESHOLDS[level];
    if (currentDocumentCount < needed) {
      const short = needed - currentDocumentCount;
      gaps.push({
        kind: 'documents-short',
        level,
        needed,
        have: currentDocumentCount,
        message: `${plural(short, 'more current document is', 'more current documents are')} needed for ${formatAwardLevel(level)} (${needed} needed, ${currentDocumentCount} found).`,
      });
    }
    for (const entry of everySection ? sections : []) {
      if (entry.currentCount > 0) continue;
      gaps.push({
        kind: 'section-empty',
        sectionId: entry.sectionId,
        staleCount: entry.staleCount,
        message:
          entry.staleCount === 0
            ? `${entry.title} has no documents.`
            : `${entry.title} has no current documents (${plural(entry.staleCount, 'is', 'are')} older than 12 months).`,
      });
    }
    for (const criterionId of emptyCommentary) {
      gaps.push({ kind: 'commentary-empty', criterionId, message: `The commentary for ${criterionId} is empty.` });
    }
    for (const criterionId of unreferencedCommentary) {
      gaps.push({
        kind: 'commentary-unreferenced',
        criterionId,
        message: `The commentary for ${criterionId} does not name any evidence document.`,
      });
    }
    for (const { criterionId, documentName } of missingReferences) {
      gaps.push({
        kind: 'reference-missing',
        criterionId,
        documentName,
        message: `The commentary for ${criterionId} references '${documentName}', which is not in the folder.`,
      });
    }
    return gaps;
  };

  const reasons = missingForLevel('bronze');
  return {
    deadline: input.deadline,
    currentFrom,
    sections,
    outsideSections,
    staleDocuments,
    emptySections,
    currentDocumentCount,
    sectionDocumentCount,
    supportedLevel: awardLevelForDocumentCount(currentDocumentCount),
    formPresent,
    commentaryChecked,
    emptyCommentary,
    unreferencedCommentary,
    missingReferences,
    ignoredFiles,
    readyForReview: reasons.length === 0,
    reasons,
    notes,
    advice,
    missingForLevel,
  };
}
