import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMessage } from '../ports/outgoing-mail.port.js';

/** A message as composed: the port's message with its sender settled and its intent's token. */
export interface OutgoingEmail extends OutgoingMessage {
  from: NonNullable<OutgoingMessage['from']>;
  /** The send intent's token, also in a header for people reading the message source (weqs finds its Sent Items copies by an extended property, as Sent Items drops custom headers). */
  intentToken: string;
}

export const intentHeader = 'X-WEQS-Intent';

/**
 * A multipart/alternative MIME message (plain text and HTML), base64-encoded as Graph's MIME
 * send and reply expect. Headers and non-Latin names are encoded by nodemailer's composer.
 * https://learn.microsoft.com/graph/outlook-send-mime-message
 */
export async function composeMime(email: OutgoingEmail): Promise<string> {
  const composer = new MailComposer({
    from: email.from,
    to: email.to.map((recipient) => (recipient.name ? { name: recipient.name, address: recipient.address } : recipient.address)),
    subject: email.subject,
    text: email.text,
    html: email.html,
    ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
    ...(email.references ? { references: email.references } : {}),
    headers: {
      [intentHeader]: email.intentToken,
      // RFC 3834: tells auto-responders not to answer, so weqs never ends up in a mail loop.
      'Auto-Submitted': 'auto-replied',
    },
  });
  const message = await composer.compile().build();
  return message.toString('base64');
}
