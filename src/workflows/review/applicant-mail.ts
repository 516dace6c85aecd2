import type { EmailContent } from '../../domain/applicant-emails.js';
import type { ApplicationRecord } from '../../domain/application.js';
import type { ReviewDependencies } from './review-dependencies.js';

/**
 * Emails the person who applied, in the thread of their original request (In-Reply-To), once per
 * intent. Throws while another run is sending it right now, or while its send cannot settle, so
 * the job moves nothing on. `asOf` is the job time the content was written for.
 */
export async function sendToApplicant(deps: Pick<ReviewDependencies, 'outgoing'>, application: ApplicationRecord, intent: string, content: EmailContent, asOf?: Date): Promise<'sent' | 'already-sent'> {
  const original = application.sourceMessageId;
  const result = await deps.outgoing.sendOnce(intent, {
    to: [{ address: application.requesterAddress, ...(application.requesterName ? { name: application.requesterName } : {}) }],
    subject: content.subject,
    text: content.text,
    html: content.html,
    ...(original ? { inReplyTo: original, references: [original] } : {}),
  }, asOf ? { asOf } : {});
  // Another run is sending it and may yet fail: nothing that follows (moving the application on,
  // recording the decision) may happen on the strength of it. A later run knows whether it went.
  // (Chaos found this: two overlapping close-cycle runs, the sending one failed, the email was lost.)
  if (result === 'in-progress') throw new Error(`another run is sending the email for '${intent}' right now`);
  // Not settled yet either (it may have gone moments ago, or the sending rate is full): the same
  // holds, and the job's next run tries again.
  if (typeof result === 'object') throw new Error(result.detail);
  return result;
}
