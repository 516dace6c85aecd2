import { alreadyAppliedEmail, applicationOpenedEmail, identifyOrganisationEmail, subjectFormatHelpEmail } from '../domain/applicant-emails.js';
import { reapplicationAllowed } from '../domain/award.js';
import type { ReapplicationState } from '../domain/award.js';
import { awardCurrentEmail } from '../domain/cycle-emails/award-lifecycle.js';
import { remindersStoppedEmail } from '../domain/cycle-emails/reminders.js';
import type { EmailContent } from '../domain/applicant-emails.js';
import { referenceInSubject } from '../domain/application-reference.js';
import { isAutomatedMail } from '../domain/automated-mail.js';
import type { CriteriaCatalogue } from '../domain/criteria-catalogue.js';
import { defaultTimings } from '../config.js';
import type { DeferSeconds } from '../config.js';
import { categoriesWithOutcome } from '../domain/inbound-outcome.js';
import type { InboundOutcome } from '../domain/inbound-outcome.js';
import { checkLookAlike } from '../domain/look-alike-names.js';
import { displayOrganisationName } from '../domain/organisation-display.js';
import type { OrganisationDirectory, Resolution } from '../domain/organisation-directory.js';
import type { OrganisationRecord } from '../domain/organisation-record.js';
import { classifySubject } from '../domain/request-subject.js';
import { addUkYears, formatUkDate, ukDateOf } from '../domain/uk-dates.js';
import { deadlineInstant, nextSubmissionCycle } from '../domain/review-calendar.js';
import type { ReviewCalendar, ReviewCycle } from '../domain/review-calendar.js';
import { assessSender } from '../domain/sender-authentication.js';
import { folderAccessNeededCard } from '../domain/folder-access-messages.js';
import { storedLine } from '../domain/stored-text.js';
import { duplicateRequestCard, needsIdentifyingCard, newApplicationCard, processingFailedCard, untrustedSenderCard } from '../domain/request-cards.js';
import { buildApplicationForm } from '../documents/application-form.js';
import type { NewApplication } from '../domain/application.js';
import { asError, logger } from '../logging.js';
import type { ApplicationsPort } from '../ports/applications.port.js';
import type { ApplicationClaim, ClaimsPort, NewClaim } from '../ports/claims.port.js';
import type { EvidenceFoldersPort, FolderAccessPort, FolderPlan } from '../ports/evidence-folders.port.js';
import type { InboundLedgerPort, InboundRecord } from '../ports/inbound-ledger.port.js';
import type { InboxEmail, MailboxPort } from '../ports/mailbox.port.js';
import type { OutgoingMailPort, OutgoingMessage, SendLater, SendLaterReason } from '../ports/outgoing-mail.port.js';
import type { ReplyAllowanceDecision, ReplyLimitsPort } from '../ports/reply-limits.port.js';
import type { StaffNotifier } from '../ports/staff-notifier.port.js';
import { bouncedMailCard, replyLimitCard } from '../domain/flood-cards.js';
import { keyDigest } from '../domain/key-digest.js';
import { isNonDeliveryReport } from '../domain/non-delivery-report.js';
import { containsContactDetails } from '../domain/untrusted-echo.js';
import { accessPending, prepareApplicant } from './folder-access.js';
import { FolderOwnershipConflict, provisionOwnFolder } from './own-evidence-folder.js';
import type { InboundMessageReference } from './receive-notifications.js';

export const applicationFormFileName = 'Application form.docx';

export interface InboundDependencies {
  mailbox: MailboxPort;
  ledger: InboundLedgerPort;
  claims: ClaimsPort;
  directory: () => Promise<OrganisationDirectory>;
  references: { next(year: number): Promise<string> };
  evidence: EvidenceFoldersPort;
  /** Sharing with applicants outside the tenant: guest creation where granted, and the fallback. */
  access: FolderAccessPort;
  applications: ApplicationsPort;
  outgoing: OutgoingMailPort;
  staff: StaffNotifier;
  /** Reply limits per address, domain and repeated request (one decision per email). */
  replies: ReplyLimitsPort;
  /** One staff card for many emails (a burst): only the email that claims it first posts it. */
  onceAmong: (intent: string, claimant: string, action: () => Promise<void>) => Promise<void>;
  /** Records that a staff card was posted, so retries do not post it again. */
  once: (intent: string, action: () => Promise<void>) => Promise<void>;
  /** The loaded criteria catalogue, or the six-section stand-in that points to the framework document. */
  catalogue: () => Promise<CriteriaCatalogue>;
  calendar: () => Promise<ReviewCalendar>;
  listUrl: () => Promise<string>;
  settings: { inboxAddress: string; referencePrefix: string; reviewsPausedMessage?: string; deferSeconds?: DeferSeconds };
  now: () => Date;
}

export interface Attempt {
  /** Identifies this worker's lease on the email. */
  owner: string;
  /** The queue's last attempt: a failure now is final and staff are told. */
  final: boolean;
}

export interface HandledEmail {
  outcome: InboundOutcome;
  detail: string;
  /** True when the email had been handled before (a repeated notification). */
  repeated: boolean;
  organisationKey?: string;
  reference?: string;
}

/**
 * Why handling must wait a while (not a failure), as a stable code for logs: `busy`, another
 * worker holds the email; or a send that cannot settle now (SendLaterReason).
 */
export type DeferReason = 'busy' | SendLaterReason;

/** The function queues the email again with this delay. */
export interface Deferred {
  kind: 'later';
  reason: DeferReason;
  delaySeconds: number;
  detail: string;
}

/** What became of one attempt at an email: its outcome, or put off for a while. Failures are thrown. */
export type InboundResult = ({ kind: 'handled' } & HandledEmail) | Deferred;

const productionDeferrals: DeferSeconds = { busy: defaultTimings.deferBusySeconds, sendOutcomeUnknown: defaultTimings.deferSendUnknownSeconds, sendRateBusy: defaultTimings.deferSendRateSeconds };

function deferred(reason: DeferReason, detail: string, defer: DeferSeconds): Deferred {
  const delaySeconds = reason === 'busy' ? defer.busy : reason === 'send-outcome-unknown' ? defer.sendOutcomeUnknown : defer.sendRateBusy;
  return { kind: 'later', reason, delaySeconds, detail };
}

/** A request that can never be carried out as it stands (retrying changes nothing): ends at once as failed, for staff. */
export class PermanentFailure extends Error {}

interface Decision {
  outcome: InboundOutcome;
  detail: string;
  organisationKey?: string;
  reference?: string;
}

/** A decision, or a reply that cannot settle now: the email's outcome waits for it. */
type Decided = Decision | SendLater;

const isLater = (result: Decision | SendLater | ReplyResult | undefined): result is SendLater => typeof result === 'object' && 'kind' in result && result.kind === 'later';

type ReplyResult = 'sent' | 'already-sent' | 'held' | SendLater;

const firstName = (name: string | undefined): string | undefined => name?.trim() || undefined;

/**
 * Answers the email in its own thread, once, whatever retries happen, within the reply limits: a
 * reply the limits hold back is not sent (staff are told once per limit and window). A reply to
 * an address that had none in its window goes ahead of other mail.
 */
async function reply(email: InboxEmail, key: string, content: EmailContent, deps: InboundDependencies, to: OutgoingMessage['to'] = [email.from]): Promise<ReplyResult> {
  const allowance = await allowanceFor(email, key, deps);
  if (!allowance.allowed) {
    await tellStaffOfHeldReplies(email, allowance, deps);
    logger().warn({ limit: allowance.kind, to: email.from.address }, 'reply held back by the reply limits');
    return 'held';
  }
  const result = await deps.outgoing.sendOnce(
    `reply:${key}`,
    { to, subject: `RE: ${content.subject}`, text: content.text, html: content.html, inReplyTo: email.internetMessageId, references: [email.internetMessageId] },
    { replyToMessageId: email.id, priority: allowance.firstContact ? 'first-contact' : 'normal' },
  );
  // Another worker is sending it and may yet fail: the email's outcome waits until that is known.
  if (result === 'in-progress') return { kind: 'later', reason: 'send-outcome-unknown', detail: `Another worker is sending the reply for '${key}' right now; checking again later.` };
  return result;
}

function allowanceFor(email: InboxEmail, key: string, deps: InboundDependencies): Promise<ReplyAllowanceDecision> {
  return deps.replies.decide(key, email.from.address, email.subject, new Date(email.receivedAt));
}

async function tellStaffOfHeldReplies(email: InboxEmail, held: Extract<ReplyAllowanceDecision, { allowed: false }>, deps: InboundDependencies): Promise<void> {
  await deps.onceAmong(`card:reply-limit:${held.kind}:${keyDigest(held.subject)}:${held.windowStart.getTime()}`, email.internetMessageId, () =>
    deps.staff.post(replyLimitCard({ kind: held.kind, counted: held.subject, limit: held.limit, windowEnd: held.windowEnd, firstHeldSubject: email.subject })),
  );
}

/**
 * A request over the reply limits (the same request again, or too many from one address or
 * domain) is not acted on at all: no folder, no claim, no reply. Staff are told once.
 */
async function holdBackOverLimit(email: InboxEmail, key: string, deps: InboundDependencies): Promise<Decision | undefined> {
  const allowance = await allowanceFor(email, key, deps);
  if (allowance.allowed) return undefined;
  await tellStaffOfHeldReplies(email, allowance, deps);
  await markOutcome(email, 'held-back', deps);
  return { outcome: 'held-back', detail: `over the ${allowance.kind} limit (${allowance.limit} until ${allowance.windowEnd.toISOString()}): nothing done, no reply` };
}

function candidatesOf(records: readonly OrganisationRecord[]): { name: string; odsCode: string; postcode?: string; kind: string }[] {
  return records.slice(0, 8).map((record) => ({
    name: displayOrganisationName(record.name),
    odsCode: record.odsCode,
    ...(record.postcode ? { postcode: record.postcode } : {}),
    kind: record.kind,
  }));
}

/**
 * Handles one inbox email from start to its single recorded outcome: not a request (left
 * untouched), untrusted sender, a request without a usable name, an organisation that needs
 * identifying, a second request for a claimed organisation, or a provisioned application.
 */
export async function handleInboundMessage(reference: InboundMessageReference, deps: InboundDependencies, attempt: Attempt): Promise<InboundResult> {
  const email = await deps.mailbox.getEmail(reference.messageId);
  const now = deps.now();
  if (!email) {
    // Moved or deleted by a person before weqs saw it: nothing to answer.
    const key = deps.ledger.keyFor(reference.messageId);
    const begun = await deps.ledger.begin(key, { messageId: reference.messageId, correlationId: attempt.owner }, attempt.owner, now);
    if (begun.kind === 'acquired') await deps.ledger.finish(begun.record, 'message-gone', { detail: 'no longer in the inbox' }, now);
    return { kind: 'handled', outcome: 'message-gone', detail: 'no longer in the inbox', repeated: begun.kind === 'done' };
  }
  logger().info({ messageId: email.id, from: email.from.address, source: reference.source }, 'handling an inbox email');
  const key = deps.ledger.keyFor(email.internetMessageId);
  const begun = await deps.ledger.begin(
    key,
    { messageId: email.id, receivedAt: email.receivedAt, fromAddress: email.from.address, subject: email.subject.slice(0, 512), correlationId: attempt.owner },
    attempt.owner,
    now,
  );
  if (begun.kind === 'done') {
    logger().info({ outcome: begun.record.outcome }, 'email already handled; nothing to do');
    return { kind: 'handled', outcome: begun.record.outcome ?? 'not-a-request', detail: begun.record.detail ?? '', repeated: true };
  }
  const defer = deps.settings.deferSeconds ?? productionDeferrals;
  if (begun.kind === 'busy') return deferred('busy', 'Another worker is handling this email.', defer);
  const record = begun.record;
  const held: HeldClaim = {};
  try {
    const decision = await decide(email, key, deps, held);
    if (isLater(decision)) {
      // Not a failure: a reply that may have gone moments ago, or a sending rate full for now.
      await deps.ledger.release(record, decision.detail.slice(0, 1000), deps.now()).catch(() => undefined);
      return deferred(decision.reason, decision.detail, defer);
    }
    await deps.ledger.finish(record, decision.outcome, { detail: decision.detail, ...(decision.organisationKey ? { organisationKey: decision.organisationKey } : {}), ...(decision.reference ? { reference: decision.reference } : {}) }, deps.now());
    logger().info({ outcome: decision.outcome, organisationKey: decision.organisationKey, reference: decision.reference, from: email.from.address }, decision.detail);
    return { kind: 'handled', ...decision, repeated: false };
  } catch (error) {
    // A request that can never be carried out, or a folder conflict, ends at once; anything else on the last attempt.
    const final = attempt.final || error instanceof PermanentFailure || error instanceof FolderOwnershipConflict;
    if (final) {
      await recordFailure(email, record, asError(error), deps);
      // The organisation must not stay blocked by an application that will never finish.
      if (held.organisationKey) await deps.claims.markFailed(held.organisationKey, key).catch((markError: unknown) => logger().error({ err: markError }, 'could not mark the claim failed'));
      if (!attempt.final) return { kind: 'handled', outcome: 'failed', detail: asError(error).message.slice(0, 1000), repeated: false };
    }
    else await deps.ledger.release(record, asError(error).message.slice(0, 1000), deps.now()).catch(() => undefined);
    throw error;
  }
}

async function recordFailure(email: InboxEmail, record: InboundRecord, error: Error, deps: InboundDependencies): Promise<void> {
  logger().error({ err: error, attempts: record.attempts }, 'giving up on an email after repeated failures');
  const results = await Promise.allSettled([
    deps.staff.post(
      processingFailedCard({
        subject: email.subject,
        fromAddress: email.from.address,
        receivedAt: new Date(email.receivedAt),
        messageId: email.id,
        errorSummary: error.message.slice(0, 300),
        attempts: record.attempts,
        replayHint: 'npm run weqs -- replay-failed',
      }),
    ),
    markOutcome(email, 'failed', deps),
  ]);
  // The outcome is recorded last, so whoever reads it finds the card posted and the category set.
  results.push(...(await Promise.allSettled([deps.ledger.finish(record, 'failed', { detail: error.message.slice(0, 1000) }, deps.now())])));
  for (const result of results) if (result.status === 'rejected') logger().error({ err: result.reason }, 'could not record a failed email completely');
}

async function markOutcome(email: InboxEmail, outcome: InboundOutcome, deps: InboundDependencies): Promise<void> {
  const categories = categoriesWithOutcome(email.categories, outcome);
  if (categories && categories.join('\n') !== email.categories.join('\n')) await deps.mailbox.setCategories(email.id, categories);
}

/** The claim this email holds, once it holds one: released for staff if the saga gives up. */
interface HeldClaim {
  organisationKey?: string;
}

async function decide(email: InboxEmail, key: string, deps: InboundDependencies, held: HeldClaim): Promise<Decided> {
  if (isAutomatedMail(email, deps.settings.inboxAddress)) {
    if (isNonDeliveryReport(email) && assessSender(email.headers).trusted) return bounced(email, deps);
    return { outcome: 'not-a-request', detail: 'an automated message (auto-reply, bounce or our own): left untouched' };
  }
  // Sender trust comes before anything else: nothing below may change anything (a claim, a
  // reminder preference, a reply) for an email that the receiving service did not vouch for.
  const sender = assessSender(email.headers);
  const existingReference = referenceInSubject(email.subject, deps.settings.referencePrefix);
  const preference = existingReference ? reminderPreferenceIn(email.subject) : undefined;
  const subject = classifySubject(email.subject);
  const actsOnSomething = existingReference ? preference !== undefined : subject.kind !== 'not-a-request';
  if (!sender.trusted) {
    if (!actsOnSomething) return { outcome: 'not-a-request', detail: `${existingReference ? `correspondence about ${existingReference}` : 'not a request'} from an unverified sender (${sender.basis}): left untouched`, ...(existingReference ? { reference: existingReference } : {}) };
    // One card an hour however many forged emails arrive: ten forgeries are one alert, not ten.
    const hour = 3_600_000;
    const windowStart = Math.floor(new Date(email.receivedAt).getTime() / hour) * hour;
    await deps.onceAmong(`card:untrusted:${windowStart}`, key, () =>
      deps.staff.post(untrustedSenderCard({ fromAddress: email.from.address, ...(email.from.name ? { fromName: email.from.name } : {}), subject: email.subject, receivedAt: new Date(email.receivedAt), authentication: sender.results, groupedUntil: new Date(windowStart + hour) })),
    );
    await markOutcome(email, 'untrusted-sender', deps);
    return { outcome: 'untrusted-sender', detail: `sender failed authentication (${sender.basis}): nothing changed, no reply, staff alerted`, ...(existingReference ? { reference: existingReference } : {}) };
  }
  if (existingReference) {
    // Changing an application needs a sender whose domain vouched for it; an unverified one
    // (spf, dkim and dmarc all none) could be anyone, so a person reads it instead.
    if (preference && sender.verified) {
      const changed = await changeReminders(email, key, existingReference, preference, deps);
      if (changed) return changed;
    }
    const why = preference && !sender.verified ? ' (reminder preference from an unverified sender)' : '';
    return { outcome: 'not-a-request', detail: `correspondence about ${existingReference}${why}: left for staff`, reference: existingReference };
  }
  if (subject.kind === 'not-a-request') return { outcome: 'not-a-request', detail: 'not a request: left untouched' };
  const heldBack = await holdBackOverLimit(email, key, deps);
  if (heldBack) return heldBack;

  const requesterName = firstName(email.from.name);
  // A "name" carrying a link, an address or a phone number is an attacker's message, not an
  // organisation: setting it up would put that text in a folder, its link and the reply.
  const unusable = subject.kind === 'request' && containsContactDetails(subject.organisationName);
  if (subject.kind === 'request-without-organisation' || unusable) {
    const reason = subject.kind === 'request-without-organisation' ? subject.reason : 'unusable-name';
    const content = subjectFormatHelpEmail({ ...(requesterName ? { requesterName } : {}), receivedSubject: email.subject, reason, inboxAddress: deps.settings.inboxAddress, supportAddress: deps.settings.inboxAddress });
    const replied = await reply(email, key, content, deps);
    if (isLater(replied)) return replied;
    await markOutcome(email, 'invalid-request', deps);
    return { outcome: 'invalid-request', detail: `request without a usable organisation name (${reason}): replied with the subject format` };
  }

  // Look-alike letters are folded before matching and keying, so "Hospitаls" with a Cyrillic "а"
  // gets the key of "Hospitals"; a name that mixes scripts, or only matches once folded, is for staff.
  const lookAlike = checkLookAlike(subject.organisationName);
  const resolution = (await deps.directory()).resolve(lookAlike.folded);
  if (lookAlike.mixedScripts || (lookAlike.folds && (await matchesOnceFolded(resolution, deps)))) {
    const candidates = resolution.kind === 'resolved' ? [resolution.organisation] : resolution.kind === 'ambiguous' ? resolution.candidates : resolution.similar;
    return askToIdentify(email, key, subject.organisationName, resolution, candidates, deps, 'look-alike-characters');
  }
  // Never guess: several organisations share the name, or it is close to one but not the same.
  if (resolution.kind === 'ambiguous') return askToIdentify(email, key, subject.organisationName, resolution, resolution.candidates, deps);
  if (resolution.kind === 'unresolved' && resolution.similar.length > 0) return askToIdentify(email, key, subject.organisationName, resolution, resolution.similar, deps);

  const organisation =
    resolution.kind === 'resolved'
      ? { key: resolution.key, name: displayOrganisationName(resolution.organisation.name), odsCode: resolution.organisation.odsCode, earlierKeys: [...resolution.predecessorKeys, resolution.nameKey] }
      : { key: resolution.key, name: subject.organisationName, odsCode: undefined, earlierKeys: [] as string[] };

  // An open application made under a predecessor's code, or before the directory knew the name, counts too.
  for (const earlierKey of organisation.earlierKeys) {
    const earlier = await deps.claims.get(earlierKey);
    if (earlier && earlier.sourceMessageKey !== key && (earlier.state === 'provisioning' || earlier.state === 'open')) return duplicate(email, key, organisation.name, earlier, deps);
  }
  // Every value the saga will store is fitted to SharePoint before anything is created.
  const request = claimRequest(email, key, organisation, deps.applications);
  held.organisationKey = organisation.key;
  // Decided as of the email's arrival, on the service's clock (the one that dates folders too).
  const asOf = new Date(email.receivedAt);
  const claimed = await deps.claims.claim(request, asOf);
  if (claimed.kind !== 'held-by-other') return provision(email, key, claimed.claim, deps);
  // The organisation has applied before: the re-application rules decide, and the same atomic
  // claim (taken over only if unchanged since read) enforces them.
  const existing = claimed.claim;
  const decision = reapplicationAllowed(reapplicationState(existing), asOf);
  if (!decision.allowed) {
    return decision.reason === 'award-current' ? awardCurrent(email, key, existing, decision, deps) : duplicate(email, key, organisation.name, existing, deps);
  }
  const taken = await deps.claims.takeOver(existing, request, asOf);
  if (!taken) return duplicate(email, key, organisation.name, (await deps.claims.get(organisation.key)) ?? existing, deps);
  logger().info({ reason: decision.reason, organisationKey: organisation.key }, 'the organisation may apply again: opening a new application');
  return provision(email, key, taken, deps);
}

function claimRequest(email: InboxEmail, key: string, organisation: { key: string; name: string; odsCode: string | undefined }, applications: ApplicationsPort): NewClaim {
  const requesterName = email.from.name === undefined ? '' : storedLine(email.from.name);
  const request: NewClaim = {
    organisationKey: organisation.key,
    organisationName: storedLine(organisation.name),
    ...(organisation.odsCode ? { odsCode: organisation.odsCode } : {}),
    sourceMessageKey: key,
    requesterAddress: email.from.address,
    ...(requesterName ? { requesterName } : {}),
    receivedAt: email.receivedAt,
  };
  const refusal = applications.refusalOf(newApplicationOf(request, 'WEQS-0000-0000', undefined, { folderUrl: '', formUrl: '' }, email.internetMessageId));
  if (refusal) throw new PermanentFailure(`The request cannot be stored in the Applications list: ${refusal}`);
  return request;
}

/** The application a claim opens. */
function newApplicationOf(claim: NewClaim, reference: string, cycle: ReviewCycle | undefined, links: { folderUrl: string; formUrl: string }, sourceMessageId: string): NewApplication {
  return {
    reference,
    organisationKey: claim.organisationKey,
    organisationName: claim.organisationName,
    ...(claim.odsCode ? { odsCode: claim.odsCode } : {}),
    ...(cycle ? { targetCycleId: cycle.id } : {}),
    requesterAddress: claim.requesterAddress,
    ...(claim.requesterName ? { requesterName: claim.requesterName } : {}),
    folderUrl: links.folderUrl,
    formUrl: links.formUrl,
    receivedAt: claim.receivedAt,
    sourceMessageId,
  };
}

function reapplicationState(claim: ApplicationClaim): ReapplicationState {
  switch (claim.state) {
    case 'failed':
      // Never finished: staff were told; it does not stop the organisation applying.
      return { lastOutcome: 'withdrawn' };
    case 'provisioning':
    case 'open':
      return { openApplication: { ref: claim.progress.reference ?? 'being opened' } };
    case 'awarded':
    case 'expired':
      return { ...(claim.award ? { award: claim.award } : {}), lastOutcome: 'awarded' };
    case 'not-awarded':
      return { lastOutcome: 'not-awarded' };
    case 'withdrawn':
      return { lastOutcome: 'withdrawn' };
  }
}

async function awardCurrent(
  email: InboxEmail,
  key: string,
  existing: ApplicationClaim,
  decision: { awardLevel: 'bronze' | 'silver' | 'gold'; expiresOn: string; renewalOpensOn: string },
  deps: InboundDependencies,
): Promise<Decided> {
  const requesterName = firstName(email.from.name);
  const reviewsPaused = nextSubmissionCycle(await deps.calendar(), new Date(email.receivedAt)) === undefined;
  const content = awardCurrentEmail({
    ...(requesterName ? { requesterName } : {}),
    organisationName: existing.organisationName,
    reference: existing.progress.reference ?? '',
    supportAddress: deps.settings.inboxAddress,
    inboxAddress: deps.settings.inboxAddress,
    ...(existing.odsCode ? { odsCode: existing.odsCode } : {}),
    award: decision.awardLevel,
    // Awards last two years from the decision, so the decision date is two years before expiry.
    awardedOn: addUkYears(decision.expiresOn, -2),
    expiresOn: decision.expiresOn,
    renewalOpensOn: decision.renewalOpensOn,
    paused: { reviewsPaused, ...(deps.settings.reviewsPausedMessage ? { reviewsPausedMessage: deps.settings.reviewsPausedMessage } : {}) },
  });
  const replied = await reply(email, key, content, deps);
  if (isLater(replied)) return replied;
  await markOutcome(email, 'award-current', deps);
  return { outcome: 'award-current', detail: `${existing.organisationName} holds a ${decision.awardLevel} award until ${decision.expiresOn}: replied with when it can renew`, organisationKey: existing.organisationKey, ...(existing.progress.reference ? { reference: existing.progress.reference } : {}) };
}

/** A bounce of mail weqs sent: staff are told, once an hour however many arrive; the report is left as it is. */
async function bounced(email: InboxEmail, deps: InboundDependencies): Promise<Decision> {
  const hour = 3_600_000;
  const windowStart = Math.floor(new Date(email.receivedAt).getTime() / hour) * hour;
  await deps.onceAmong(`card:bounced:${windowStart}`, email.internetMessageId, () => deps.staff.post(bouncedMailCard({ subject: email.subject, receivedAt: new Date(email.receivedAt), windowEnd: new Date(windowStart + hour) })));
  return { outcome: 'not-a-request', detail: 'a non-delivery report for mail weqs sent: staff told (one card an hour), left untouched' };
}

function reminderPreferenceIn(subject: string): 'stop' | 'start' | undefined {
  return /\bstop\s+reminders?\b/i.test(subject) ? 'stop' : /\bstart\s+reminders?\b/i.test(subject) ? 'start' : undefined;
}

/** "STOP REMINDERS" / "START REMINDERS" from the person who applied, about their application. */
async function changeReminders(email: InboxEmail, key: string, reference: string, preference: 'stop' | 'start', deps: InboundDependencies): Promise<Decided | undefined> {
  const application = await deps.applications.findByReference(reference);
  // Only the requester may turn reminders off; anything else is for staff to read.
  if (!application || application.requesterAddress.toLowerCase() !== email.from.address.toLowerCase()) return undefined;
  const off = preference === 'stop';
  if (application.remindersOff !== off) await deps.applications.setRemindersOff(application, off);
  if (off) {
    const content = remindersStoppedEmail({ ...(application.requesterName ? { requesterName: application.requesterName } : {}), organisationName: application.organisationName, reference, supportAddress: deps.settings.inboxAddress });
    const replied = await reply(email, key, content, deps);
    if (isLater(replied)) return replied;
  }
  await markOutcome(email, 'reminders-preference', deps);
  return { outcome: 'reminders-preference', detail: `reminders turned ${off ? 'off' : 'on'} for ${reference}`, organisationKey: application.organisationKey, reference };
}

/** The folded name is a known organisation, or one that already has a claim. */
async function matchesOnceFolded(resolution: Resolution, deps: InboundDependencies): Promise<boolean> {
  if (resolution.kind !== 'unresolved' || resolution.similar.length > 0) return true;
  return (await deps.claims.get(resolution.key)) !== undefined;
}

async function askToIdentify(
  email: InboxEmail,
  key: string,
  requestedName: string,
  resolution: Resolution,
  candidates: readonly OrganisationRecord[],
  deps: InboundDependencies,
  because?: 'look-alike-characters',
): Promise<Decided> {
  const requesterName = firstName(email.from.name);
  const content = identifyOrganisationEmail({ ...(requesterName ? { requesterName } : {}), requestedName, candidates: candidatesOf(candidates), inboxAddress: deps.settings.inboxAddress, supportAddress: deps.settings.inboxAddress });
  const replied = await reply(email, key, content, deps);
  if (isLater(replied)) return replied;
  await deps.once(`card:identify:${key}`, () =>
    deps.staff.post(
      needsIdentifyingCard({
        requestedName,
        ...(requesterName ? { requesterName } : {}),
        requesterAddress: email.from.address,
        receivedAt: new Date(email.receivedAt),
        reason: because ?? (resolution.kind === 'ambiguous' ? 'ambiguous' : 'similar-names'),
        candidates: candidatesOf(candidates),
      }),
    ),
  );
  await markOutcome(email, 'needs-identifying', deps);
  return { outcome: 'needs-identifying', detail: `'${requestedName}' could not be identified safely (${because ?? resolution.kind}): asked for the ODS code or postcode, staff alerted` };
}

async function duplicate(email: InboxEmail, key: string, organisationName: string, existing: ApplicationClaim, deps: InboundDependencies): Promise<Decided> {
  const requesterName = firstName(email.from.name);
  const sameRequester = existing.requesterAddress.toLowerCase() === email.from.address.toLowerCase();
  const content = alreadyAppliedEmail({
    ...(requesterName ? { requesterName } : {}),
    organisationName,
    sameRequester,
    // Only the person who applied sees the reference and the folder link again.
    ...(sameRequester && existing.progress.reference ? { reference: existing.progress.reference } : {}),
    ...(sameRequester && existing.progress.folderUrl ? { folderUrl: existing.progress.folderUrl } : {}),
    supportAddress: deps.settings.inboxAddress,
  });
  const replied = await reply(email, key, content, deps);
  if (isLater(replied)) return replied;
  if (!sameRequester) {
    await deps.once(`card:duplicate:${key}`, async () =>
      deps.staff.post(
        duplicateRequestCard({
          organisationName,
          organisationKey: existing.organisationKey,
          existing: { ...(existing.progress.reference ? { reference: existing.progress.reference } : { reference: 'being opened' }), ...(existing.requesterName ? { requesterName: existing.requesterName } : {}), requesterAddress: existing.requesterAddress, receivedAt: new Date(existing.receivedAt) },
          incoming: { ...(requesterName ? { requesterName } : {}), requesterAddress: email.from.address, receivedAt: new Date(email.receivedAt), subject: email.subject },
          listUrl: await deps.listUrl(),
        }),
      ),
    );
  }
  await markOutcome(email, 'duplicate', deps);
  return {
    outcome: 'duplicate',
    detail: sameRequester ? 'the same person asked again: reminded them of their application' : `${organisationName} already has an application: sent a polite reply, alerted staff`,
    organisationKey: existing.organisationKey,
    ...(existing.progress.reference ? { reference: existing.progress.reference } : {}),
  };
}

function ukYear(instant: Date): number {
  return Number(ukDateOf(instant).slice(0, 4));
}

/**
 * The provisioning saga. Each step looks at the claim's checkpoint first and records its result
 * after, so a crash anywhere resumes at the next step and nothing is created or sent twice.
 */
async function provision(email: InboxEmail, key: string, initial: ApplicationClaim, deps: InboundDependencies): Promise<Decided> {
  let claim = initial;
  const received = new Date(claim.receivedAt);
  const calendar = await deps.calendar();
  const cycle: ReviewCycle | undefined = nextSubmissionCycle(calendar, received);

  if (!claim.progress.reference) claim = await deps.claims.checkpoint(claim, { reference: await deps.references.next(ukYear(received)) });
  const reference = claim.progress.reference as string;
  // The staff-owned calendar's values too: a row the list would refuse must stop the saga before the folder.
  const refusal = deps.applications.refusalOf(newApplicationOf(claim, reference, cycle, { folderUrl: '', formUrl: '' }, email.internetMessageId));
  if (refusal) throw new PermanentFailure(`The application cannot be stored in the Applications list: ${refusal}`);

  const catalogue = await deps.catalogue();
  if (!claim.progress.folderId) {
    const form = await buildApplicationForm({
      organisationName: claim.organisationName,
      reference,
      ...(claim.requesterName ? { requesterName: claim.requesterName } : {}),
      requesterEmail: claim.requesterAddress,
      // Issued as of the request's arrival, like its cycle and reference year, so a retry builds the same form.
      issuedOn: received,
      catalogue,
      ...(cycle ? { nextDeadline: formatUkDate(cycle.submissionDeadline, 'medium') } : {}),
    });
    const plan = (folderName: string): FolderPlan => ({
      folderName,
      sectionFolderNames: catalogue.sections.map((section) => section.folderName),
      formFileName: applicationFormFileName,
      form,
      requesterEmail: claim.requesterAddress,
      invitationMessage: `Your private folder for the Work Experience Quality Standard application ${reference}.`,
    });
    // Where the deployment may, a new applicant becomes a guest first, so the batch can share.
    await prepareApplicant(deps.access, { email: claim.requesterAddress, ...(claim.requesterName ? { name: claim.requesterName } : {}) });
    claim = (await provisionOwnFolder(claim, reference, plan, deps)).claim;
  }
  const pending = accessPending(claim.progress);
  const { folderUrl = '', formUrl = '' } = claim.progress;
  const requesterName = claim.requesterName;

  const listItem = async (): Promise<void> => {
    if (claim.progress.listItemId) return;
    const item = await deps.applications.createOnce({ ...newApplicationOf(claim, reference, cycle, { folderUrl, formUrl }, email.internetMessageId), folderAccess: pending ? 'pending' : 'granted' });
    claim = await deps.claims.checkpoint(claim, { listItemId: item.id, listItemUrl: item.webUrl });
  };
  const sendReply = async (): Promise<SendLater | undefined> => {
    const content = applicationOpenedEmail({
      ...(requesterName ? { requesterName } : {}),
      organisationName: claim.organisationName,
      ...(claim.odsCode ? { odsCode: claim.odsCode } : {}),
      reference,
      folderUrl,
      formUrl,
      formFileName: applicationFormFileName,
      sections: catalogue.sections.map((section) => ({ title: section.title, folderName: section.folderName })),
      ...(cycle ? { nextCycle: { name: cycle.name, submissionDeadline: deadlineInstant(cycle), decisionsOpen: cycle.decisionsOpen, decisionsClose: cycle.decisionsClose } } : {}),
      ...(deps.settings.reviewsPausedMessage ? { reviewsPausedMessage: deps.settings.reviewsPausedMessage } : {}),
      supportAddress: deps.settings.inboxAddress,
      ...(pending ? { folderAccessPending: true } : {}),
    });
    const replied = await reply(email, key, content, deps, [{ address: claim.requesterAddress, ...(requesterName ? { name: requesterName } : {}) }]);
    return isLater(replied) ? replied : undefined;
  };
  // One card either way: with access pending, it is the action staff must take.
  const accessCard = async (): Promise<void> =>
    deps.staff.post(
      folderAccessNeededCard({
        organisationName: claim.organisationName,
        organisationKey: claim.organisationKey,
        reference,
        ...(requesterName ? { requesterName } : {}),
        requesterAddress: claim.requesterAddress,
        receivedAt: received,
        folderName: claim.progress.folderName ?? '',
        folderUrl,
        listUrl: await deps.listUrl(),
        reason: claim.progress.accessPendingReason ?? 'not recorded',
        createsGuests: deps.access.guests !== undefined,
      }),
    );
  const card = async (): Promise<void> =>
    deps.once(`card:new:${key}`, async () =>
      pending ? accessCard() : deps.staff.post(
        newApplicationCard({
          organisationName: claim.organisationName,
          ...(claim.odsCode ? { odsCode: claim.odsCode } : {}),
          organisationKey: claim.organisationKey,
          reference,
          ...(requesterName ? { requesterName } : {}),
          requesterAddress: claim.requesterAddress,
          receivedAt: received,
          folderUrl,
          listUrl: await deps.listUrl(),
          ...(cycle ? { targetCycle: { name: cycle.name, submissionDeadline: deadlineInstant(cycle) } } : {}),
        }),
      ),
    );
  // Independent of each other, so they share one round trip.
  const [listed, replied, carded] = await Promise.allSettled([listItem(), sendReply(), card()]);
  // Taken in this order: a failure of an earlier step decides before a reply that must wait.
  if (listed.status === 'rejected') throw listed.reason;
  if (replied.status === 'rejected') throw replied.reason;
  if (replied.value) return replied.value;
  if (carded.status === 'rejected') throw carded.reason;

  if (claim.state !== 'open') claim = await deps.claims.checkpoint(claim, {}, 'open');
  await markOutcome(email, 'provisioned', deps);
  return { outcome: 'provisioned', detail: `opened application ${reference} for ${claim.organisationName}`, organisationKey: claim.organisationKey, reference };
}
