import type { EmailContent } from '../../domain/applicant-emails.js';
import type { ApplicationItem } from '../../graph/applications-list.js';
import type { SendResult } from '../../mail/outgoing-mail.js';
import type { ReviewDependencies } from './review-dependencies.js';

/**
 * Emails the person who applied, in the thread of their original request (In-Reply-To), once per
 * intent. `in-progress` means another run is sending it right now. `asOf` is the job time the
 * content was written for.
 */
export async function sendToApplicant(deps: Pick<ReviewDependencies, 'outgoing'>, item: ApplicationItem, intent: string, content: EmailContent, asOf?: Date): Promise<SendResult> {
  const original = item.fields.SourceMessageId;
  return deps.outgoing.sendOnce(intent, {
    to: [{ address: item.fields.RequesterEmail, ...(item.fields.RequesterName ? { name: item.fields.RequesterName } : {}) }],
    subject: content.subject,
    text: content.text,
    html: content.html,
    ...(original ? { inReplyTo: original, references: [original] } : {}),
  }, asOf ? { asOf } : {});
}
