/**
 * Staff cards about mail weqs held back or that came back: one card per limit and window (or per
 * hour of bounces), never one per email, so a flood of mail cannot become a flood of cards.
 */
import type { LimitKind } from './reply-limits.js';
import { factSet, heading, paragraph, subheading, toPayload, untrusted } from './card-toolkit.js';
import { formatUkDateTime } from './uk-dates.js';
import type { TeamsWebhookPayload } from './card-toolkit.js';
import { escapeCardText } from './text-escaping.js';

const CAP = { subject: 250, address: 254 } as const;

export interface ReplyLimitCardInput {
  kind: LimitKind;
  /** The address or domain that reached its limit (for a repeat: the address). */
  counted: string;
  limit: number;
  windowEnd: Date;
  firstHeldSubject: string;
}

const LIMIT_WORDING: Readonly<Record<LimitKind, string>> = {
  repeat: 'The same request keeps arriving from one address. weqs answered it once and is not answering the repeats.',
  address: 'One address has had as many replies from weqs as the limit allows. weqs is not sending it any more replies for now.',
  domain: 'Addresses at one domain have had as many replies from weqs as the limit allows. weqs is not replying to that domain for now.',
};

export function replyLimitCard(input: ReplyLimitCardInput): TeamsWebhookPayload {
  return toPayload([
    heading('Replies held back: possible mail flood'),
    paragraph(escapeCardText(`${LIMIT_WORDING[input.kind]} Someone may be using forged requests to fill another person's mailbox through weqs.`)),
    factSet([
      [input.kind === 'domain' ? 'Domain' : 'Address', untrusted(input.counted.split('\n')[0] ?? '', CAP.address)],
      ['Limit', String(input.limit)],
      ['Held until', formatUkDateTime(input.windowEnd)],
      ['First email held (subject as sent)', untrusted(input.firstHeldSubject, CAP.subject)],
    ]),
    subheading('What to do'),
    paragraph(escapeCardText('Nothing, if the emails look automated or forged: they are recorded, and no further card is posted for this until the time above. If a real person is waiting for an answer, reply to them from the inbox. npm run weqs -- outcomes lists every email.')),
  ]);
}

export interface BouncedMailCardInput {
  subject: string;
  receivedAt: Date;
  windowEnd: Date;
}

export function bouncedMailCard(input: BouncedMailCardInput): TeamsWebhookPayload {
  return toPayload([
    heading('An email from weqs could not be delivered'),
    paragraph(escapeCardText('A non-delivery report arrived in the inbox. If it says the sending limit was exceeded, Exchange refused mail from the inbox for a while; otherwise the address may be wrong or its mailbox full.')),
    factSet([
      ['Report subject', untrusted(input.subject, CAP.subject)],
      ['Received', formatUkDateTime(input.receivedAt)],
      ['Further reports', `recorded without another card until ${formatUkDateTime(input.windowEnd)}`],
    ]),
    subheading('What to do'),
    paragraph(escapeCardText('Open the report in the inbox to see who did not get the email, and send it again by hand if it matters.')),
  ]);
}
