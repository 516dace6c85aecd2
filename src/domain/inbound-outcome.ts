/**
 * The one recorded outcome of every email that reaches the inbox. Outcomes that concern a request
 * also get an Outlook category, so staff reading the shared inbox see what weqs did; anything that
 * is not a request is left exactly as it arrived.
 */
export type InboundOutcome =
  | 'provisioned'
  | 'duplicate'
  | 'invalid-request'
  | 'needs-identifying'
  | 'award-current'
  | 'reminders-preference'
  | 'untrusted-sender'
  | 'held-back'
  | 'not-a-request'
  | 'message-gone'
  | 'failed';

export const outcomeCategories: Record<InboundOutcome, string | undefined> = {
  provisioned: 'WEQS: application opened',
  duplicate: 'WEQS: organisation already applied',
  'invalid-request': 'WEQS: asked for organisation name',
  'needs-identifying': 'WEQS: needs identifying',
  'award-current': 'WEQS: award already held',
  'reminders-preference': 'WEQS: reminders preference updated',
  'untrusted-sender': 'WEQS: untrusted sender',
  'held-back': 'WEQS: held back (too many requests)',
  'not-a-request': undefined,
  'message-gone': undefined,
  failed: 'WEQS: processing failed',
};

/** Puts our outcome category on a message, keeping staff's own categories and replacing an earlier weqs one. */
export function categoriesWithOutcome(existing: readonly string[], outcome: InboundOutcome): string[] | undefined {
  const category = outcomeCategories[outcome];
  if (!category) return undefined;
  const kept = existing.filter((name) => !Object.values(outcomeCategories).includes(name));
  return [...kept, category];
}

/** Plain-language summaries for people (npm start's demo, logs, the staff digest). */
export const outcomeDescriptions: Record<InboundOutcome, string> = {
  provisioned: 'opened an application: folder, form, list item, reply and Teams card',
  duplicate: 'the organisation already has an application: sent a polite reply, alerted staff',
  'invalid-request': 'a request without a usable organisation name: replied with the subject format',
  'needs-identifying': 'the organisation could not be identified safely: asked for the ODS code, alerted staff',
  'award-current': 'the organisation holds a current award: replied with its level, expiry and when it can renew',
  'reminders-preference': 'the applicant turned reminders off or on: list updated, confirmation sent',
  'untrusted-sender': 'the sender failed authentication: nothing created, no reply, staff alerted',
  'held-back': 'too many requests from this address or domain: nothing created, no reply, staff told once',
  'not-a-request': 'not a request: left untouched',
  'message-gone': 'the message was no longer in the inbox',
  failed: 'processing failed repeatedly: staff alerted, the email can be replayed',
};
