/**
 * An application's evidence readiness in words, as deadline reminders and roll-over notices
 * carry it: what the folder holds, what stops a review, and what a level still needs.
 */
import { AWARD_DOCUMENT_THRESHOLDS, AWARD_LEVELS, awardLevelRank, type AwardLevel } from '../award.js';
import { item, p, render, strong, ul, value, type Block, type Inline, type ListItem } from '../email-document.js';
import type { EvidenceDocument, EvidenceReadiness, ReadinessGap } from '../evidence-readiness.js';
import { plural } from '../plural.js';
import { clipLine } from '../text-escaping.js';
import { andList, CAP, mediumDate } from './wording.js';

/** Documents named in one list (stale, misplaced, missing); the rest are counted. */
export const MAX_LISTED_DOCUMENTS = 20;

// ---------------------------------------------------------------------------------------------
// Evidence readiness, in words
// ---------------------------------------------------------------------------------------------

/** The level to aim at when the applicant has not said: the next one up, or gold. */
export function defaultAimLevel(readiness: Pick<EvidenceReadiness, 'supportedLevel'>): AwardLevel {
  return AWARD_LEVELS[awardLevelRank(readiness.supportedLevel)] ?? 'gold';
}

function sectionFolder(readiness: EvidenceReadiness, sectionId: string | undefined): string {
  const section = readiness.sections.find((entry) => entry.sectionId === sectionId);
  return clipLine(section?.folderName ?? sectionId ?? '', CAP.folderName);
}

/** Named documents, at most MAX_LISTED_DOCUMENTS of them, then a count of the rest. */
function documentList(documents: readonly EvidenceDocument[], describe: (document: EvidenceDocument) => Inline[]): ListItem[] {
  const shown = documents.slice(0, MAX_LISTED_DOCUMENTS).map((document) => item(...describe(document)));
  const hidden = documents.length - MAX_LISTED_DOCUMENTS;
  return hidden > 0 ? [...shown, item(`and ${plural(hidden, 'more document', 'more documents')}`)] : shown;
}

function sectionLine(entry: EvidenceReadiness['sections'][number]): ListItem {
  const folder = value(clipLine(entry.folderName, CAP.folderName));
  if (entry.currentCount === 0 && entry.staleCount === 0) return item(folder, ': no documents');
  if (entry.currentCount === 0) return item(folder, `: no current documents (${plural(entry.staleCount, 'is', 'are')} older than 12 months)`);
  const stale = entry.staleCount === 0 ? '' : `, and ${entry.staleCount} older than 12 months`;
  return item(folder, `: ${plural(entry.currentCount, 'current document', 'current documents')}${stale}`);
}

function levelSentence(readiness: EvidenceReadiness): string {
  const level = readiness.supportedLevel;
  if (level === 'none') {
    return `That is below the standard's minimum for any award: at least ${AWARD_DOCUMENT_THRESHOLDS.bronze} for bronze.`;
  }
  const next = AWARD_LEVELS[awardLevelRank(level)];
  const nextPart = next === undefined ? '' : ` (${next} needs at least ${AWARD_DOCUMENT_THRESHOLDS[next]})`;
  return `That meets the standard's minimum number for ${level}${nextPart}. A minimum makes you eligible for a level; the award itself depends on how well your evidence meets the criteria.`;
}

/** What the folder holds: form, documents per section, stale and misplaced files, commentary, level. */
export function readinessSummary(readiness: EvidenceReadiness): Block {
  const items: ListItem[] = [
    item(readiness.formPresent ? 'Application form: in your folder.' : strong('Application form: not found in your folder.')),
    {
      parts: [
        `Current documents (dated on or after ${mediumDate(readiness.currentFrom)}): ${readiness.currentDocumentCount}. ${levelSentence(readiness)}`,
      ],
      sublist: ul(...readiness.sections.map(sectionLine)),
    },
  ];
  if (readiness.staleDocuments.length > 0) {
    items.push({
      parts: [`Older than 12 months, so not counted (${readiness.staleDocuments.length}):`],
      sublist: ul(
        ...documentList(readiness.staleDocuments, (document) => [
          value(clipLine(document.name, CAP.fileName)),
          ' in ',
          value(sectionFolder(readiness, document.sectionId)),
          `, dated ${mediumDate(document.date)}`,
        ]),
      ),
    });
  }
  if (readiness.outsideSections.length > 0) {
    items.push({
      parts: [`Not in a section folder, so not counted until you move them into one (${readiness.outsideSections.length}):`],
      sublist: ul(...documentList(readiness.outsideSections, (document) => [value(clipLine([...document.path, document.name].join('/'), CAP.fileName))])),
    });
  }
  if (!readiness.commentaryChecked) {
    items.push(item('Supporting commentary: we could not read the commentary boxes in your form, so we have not checked them.'));
  } else if (readiness.emptyCommentary.length > 0) {
    items.push(
      item(
        `Supporting commentary: ${plural(readiness.emptyCommentary.length, 'box is', 'boxes are')} empty (`,
        ...andList(readiness.emptyCommentary.map((id) => value(clipLine(id, CAP.criterionId)))),
        ').',
      ),
    );
  } else {
    items.push(item('Supporting commentary: every box is filled in.'));
  }
  if (readiness.unreferencedCommentary.length > 0) {
    items.push(item(`Commentary that names no evidence document: ${plural(readiness.unreferencedCommentary.length, 'box', 'boxes')}.`));
  }
  if (readiness.missingReferences.length > 0) {
    items.push(
      item(`Documents named in your commentary but not in your folder: ${readiness.missingReferences.length}.`),
    );
  }
  if (readiness.advice.length > 0) {
    items.push({
      parts: ['Advice (none of this stops your application being reviewed):'],
      sublist: ul(...readiness.advice.slice(0, MAX_LISTED_DOCUMENTS).map((advice) => item(clipLine(advice, CAP.advice)))),
    });
  }
  return ul(...items);
}

/**
 * The readiness summary a deadline reminder carries, as plain-text lines, for staff previewing
 * reminders (`weqs reminders --dry-run`).
 */
export function readinessSummaryLines(readiness: EvidenceReadiness): string[] {
  return render('Evidence readiness', [readinessSummary(readiness)])
    .text.split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * One action per gap, in the order `missingForLevel` gives them. Commentary boxes are grouped
 * into one line each for "empty" and "names no document", so a form with many empty boxes reads
 * as one task rather than a page of them.
 */
export function gapItems(readiness: EvidenceReadiness, gaps: readonly ReadinessGap[]): ListItem[] {
  const items: ListItem[] = [];
  const empty = gaps.flatMap((gap) => (gap.kind === 'commentary-empty' ? [value(clipLine(gap.criterionId, CAP.criterionId))] : []));
  const unreferenced = gaps.flatMap((gap) => (gap.kind === 'commentary-unreferenced' ? [value(clipLine(gap.criterionId, CAP.criterionId))] : []));
  const missing = gaps.flatMap((gap) => (gap.kind === 'reference-missing' ? [gap] : []));
  let emptyDone = false;
  let unreferencedDone = false;
  let missingDone = false;
  for (const gap of gaps) {
    switch (gap.kind) {
      case 'form-missing':
        items.push(
          item(
            'Put your application form back in your folder. We could not find it: if you renamed it, change the name back; if you deleted it, email us for a new copy.',
          ),
        );
        break;
      case 'documents-short': {
        const short = gap.needed - gap.have;
        items.push(
          item(
            `Add ${plural(short, 'more current document', 'more current documents')}: a ${gap.level} award needs at least ${gap.needed}, and you have ${gap.have}.`,
          ),
        );
        break;
      }
      case 'section-empty':
        items.push(
          item(
            'Add at least one current document to ',
            value(sectionFolder(readiness, gap.sectionId)),
            gap.staleCount === 0 ? ' (it has none).' : ` (${plural(gap.staleCount, 'document there is', 'documents there are')} older than 12 months).`,
          ),
        );
        break;
      case 'commentary-empty':
        if (!emptyDone) {
          emptyDone = true;
          items.push(item(`Fill in the supporting commentary ${empty.length === 1 ? 'box' : 'boxes'} for `, ...andList(empty), '.'));
        }
        break;
      case 'commentary-unreferenced':
        if (!unreferencedDone) {
          unreferencedDone = true;
          items.push(
            item(
              'In the commentary for ',
              ...andList(unreferenced),
              ', name the documents that show you meet the criterion, with file names and page numbers.',
            ),
          );
        }
        break;
      case 'reference-missing':
        if (!missingDone) {
          missingDone = true;
          const shown = missing.slice(0, MAX_LISTED_DOCUMENTS);
          for (const reference of shown) {
            items.push(
              item(
                'Upload "',
                value(clipLine(reference.documentName, CAP.fileName)),
                '", which your commentary for ',
                value(clipLine(reference.criterionId, CAP.criterionId)),
                ' names, or correct the name in the commentary.',
              ),
            );
          }
          const hidden = missing.length - shown.length;
          if (hidden > 0) items.push(item(`Upload, or correct the names of, ${plural(hidden, 'more document', 'more documents')} your commentary names.`));
        }
        break;
    }
  }
  return items;
}

export const READY_RULE = `To be ready for review, your folder needs your application form, at least ${AWARD_DOCUMENT_THRESHOLDS.bronze} current documents (the standard's minimum for bronze), and every supporting commentary box filled in, naming the documents that support it.`;

/**
 * Exactly what `missingForLevel(aim)` reports. When the application is not ready for review and
 * aims above bronze, what blocks the review comes first and the extra documents the level needs
 * second, so a busy reader sees what must be done by the deadline.
 */
export function missingFor(readiness: EvidenceReadiness, aim: AwardLevel): Block[] {
  const gaps = readiness.missingForLevel(aim);
  if (gaps.length === 0) {
    return [p(`Nothing that we check is missing for a ${aim} award. Our reviewers will judge how well your evidence meets each criterion.`)];
  }
  if (aim === 'bronze' || readiness.readyForReview) return [p(`To aim for a ${aim} award, you still need to:`), ul(...gapItems(readiness, gaps))];
  // Every gap but the document count is the same at every level, so the review's blockers are
  // the bronze gaps, and the aim level adds at most its own document count.
  const blocks: Block[] = [p('Before we can review your application, you need to:'), ul(...gapItems(readiness, readiness.reasons))];
  const documents = gaps.find((gap) => gap.kind === 'documents-short');
  if (documents !== undefined) {
    blocks.push(
      p(`For a ${aim} award, you also need:`),
      ul(item(`at least ${documents.needed} current documents in total: ${documents.needed - documents.have} more than you have now.`)),
    );
  }
  return blocks;
}
