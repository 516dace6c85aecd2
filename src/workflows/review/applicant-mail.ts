import type { EmailContent } from '../../domain/applicant-emails.js';
import type { ApplicationRecord } from '../../domain/application.js';
import type { SendResult } from '../../ports/outgoing-mail.port.js';
import type { ReviewDependencies } from './review-dependencies.js';

/**
 * Emails the person who applied, in the thread of their original request (In-Reply-To), once per
 * intent. Throws while another run is sending it right now. `asOf` is the job time the
 * content was written for.
 */
export async function sendToApplicant(deps: Pick<ReviewDependencies, 'outgoing'>, application: ApplicationRecord, intent: string, content: EmailContent, asOf?: Date): Promise<Exclude<SendResult, 'in-progress'>> {
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
  return result;
}
