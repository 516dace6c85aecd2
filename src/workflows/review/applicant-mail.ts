import type { EmailContent } from '../../domain/applicant-emails.js';
import type { ApplicationRecord } from '../../domain/application.js';
import type { SendResult } from '../../ports/outgoing-mail.port.js';
import type { ReviewDependencies } from './review-dependencies.js';

/**
 * Emails the person who applied, in the thread of their original request (In-Reply-To), once per
 * intent. `in-progress` means another run is sending it right now. `asOf` is the job time the
 * content was written for.
 */
export async function sendToApplicant(deps: Pick<ReviewDependencies, 'outgoing'>, application: ApplicationRecord, intent: string, content: EmailContent, asOf?: Date): Promise<SendResult> {
  const original = application.sourceMessageId;
  return deps.outgoing.sendOnce(intent, {
    to: [{ address: application.requesterAddress, ...(application.requesterName ? { name: application.requesterName } : {}) }],
    subject: content.subject,
    text: content.text,
    html: content.html,
    ...(original ? { inReplyTo: original, references: [original] } : {}),
  }, asOf ? { asOf } : {});
}
