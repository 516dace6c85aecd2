import { findReferencedDocuments } from '../../domain/document-references.js';
import { assessEvidenceReadiness } from '../../domain/evidence-readiness.js';
import type { EvidenceReadiness } from '../../domain/evidence-readiness.js';
import { readApplicationForm } from '../../documents/application-form-reader.js';
import { logger } from '../../logging.js';
import { applicationFormFileName } from '../handle-inbound-message.js';
import type { ReviewDependencies } from './review-dependencies.js';

/**
 * How ready an application's evidence is for a deadline: the folder listing judged by the
 * evidence rules, with the uploaded form's commentary and the documents it names.
 */
export async function applicationEvidence(deps: Pick<ReviewDependencies, 'folders' | 'catalogue'> & { settings?: Pick<ReviewDependencies['settings'], 'extraRules'> }, folderId: string, deadline: Date, now: Date): Promise<EvidenceReadiness> {
  const contents = await deps.folders.read(folderId, applicationFormFileName, now);
  const reading = contents.form ? readApplicationForm(contents.form) : undefined;
  if (reading && !reading.ok) logger().info({ reason: reading.reason }, 'the uploaded application form could not be read');
  const fileNames = contents.files.map((file) => file.name);
  const criteria = reading?.ok ? reading.criteria : undefined;
  const catalogue = await deps.catalogue();
  return assessEvidenceReadiness({
    files: contents.files,
    sections: catalogue.sections.map((section) => ({ id: section.id, title: section.title, folderName: section.folderName })),
    applicationFormName: applicationFormFileName,
    deadline,
    ...(deps.settings?.extraRules ? { extraRules: deps.settings.extraRules } : {}),
    ...(criteria
      ? {
          commentary: criteria,
          references: criteria.map((criterion) => ({ criterionId: criterion.criterionId, ...findReferencedDocuments(criterion.commentary, fileNames) })),
        }
      : {}),
  });
}
