import { randomBytes } from 'node:crypto';
import { authorizeMail } from '../auth.js';
import type { MailAccess } from '../auth.js';
import type { EmulatorContext } from '../context.js';
import { GraphFault, header, jsonBody, noContent, ok, route } from '../http.js';
import type { EmulatorRequest, Route } from '../http.js';
import { graphDateTime, ids, isMessageId } from '../ids.js';
import { escapeHtml, htmlToText, parseMimeBody } from '../mailbox.js';
import type { ExtendedProperty, InternetHeader, Mailbox, Recipient, StoredMessage } from '../mailbox.js';
import { decodeToken, encodeToken, evaluateFilter, filterPaths, parseFilter, parseSelect, parseTop } from '../odata.js';

const user = '/users/([^/]+)';
const folderSegment = "/mailFolders/([^/]+)";
const messageSegment = '/messages/([^/]+)';

function mailbox(context: EmulatorContext, request: EmulatorRequest, userId: string, access: MailAccess): Mailbox {
  const target = context.mail.resolve(userId);
  authorizeMail(context.app(request), context.claims(request), target.address, access);
  return target;
}

function message(target: Mailbox, id: string): StoredMessage {
  if (!isMessageId(id)) throw new GraphFault(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  return target.message(id);
}

type BodyPreference = 'html' | 'text' | undefined;

function bodyPreference(request: EmulatorRequest): BodyPreference {
  const prefer = header(request, 'prefer') ?? '';
  const match = /outlook\.body-content-type="?(html|text)"?/i.exec(prefer);
  return match ? (match[1]?.toLowerCase() as BodyPreference) : undefined;
}

/** "When you specify either header, a successful response would include the corresponding Preference-Applied header" (message-get doc). */
function preferenceApplied(preference: BodyPreference): Record<string, string> {
  return preference ? { 'preference-applied': `outlook.body-content-type="${preference}"` } : {};
}

/** Writable on any message (message-update doc); body, subject and recipients only while `isDraft`. */
const writableProperties = new Set(['isRead', 'categories', 'flag', 'importance', 'singleValueExtendedProperties']);
/** Writable in Graph but not modelled here: refused loudly rather than silently dropped. */
const unmodelledProperties = new Set(['multiValueExtendedProperties', 'inferenceClassification', 'isDeliveryReceiptRequested', 'isReadReceiptRequested']);
const draftOnlyProperties = new Set(['subject', 'body', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'from', 'sender', 'internetMessageId']);
/** Defined on microsoft.graph.message but computed by Exchange. */
const readOnlyProperties = new Set([
  'id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'receivedDateTime', 'sentDateTime', 'hasAttachments', 'bodyPreview', 'uniqueBody',
  'parentFolderId', 'conversationId', 'conversationIndex', 'isDraft', 'webLink',
]);

/** A message in Graph's shape. internetMessageHeaders and uniqueBody only come with $select. */
export function messageResource(
  target: Mailbox,
  stored: StoredMessage,
  options: { select?: string[] | undefined; preference?: BodyPreference; expandExtended?: string | undefined } = {},
): Record<string, unknown> {
  let body = stored.body;
  if (options.preference === 'text' && body.contentType === 'html') body = { contentType: 'text', content: stored.textAlternative ?? htmlToText(body.content) };
  if (options.preference === 'html' && body.contentType === 'text') body = { contentType: 'html', content: `<html><body><pre>${escapeHtml(body.content)}</pre></body></html>` };
  const text = body.contentType === 'html' ? htmlToText(body.content) : body.content;
  const resource: Record<string, unknown> = {
    '@odata.etag': `W/"${stored.changeKey}"`,
    id: stored.id,
    createdDateTime: graphDateTime.outlook(stored.createdDateTime),
    lastModifiedDateTime: graphDateTime.outlook(stored.lastModifiedDateTime),
    changeKey: stored.changeKey,
    categories: stored.categories,
    receivedDateTime: graphDateTime.outlook(stored.receivedDateTime),
    sentDateTime: graphDateTime.outlook(stored.sentDateTime),
    hasAttachments: false,
    internetMessageId: stored.internetMessageId,
    subject: stored.subject,
    bodyPreview: text.replace(/\s+/g, ' ').trim().slice(0, 255),
    importance: stored.importance,
    parentFolderId: stored.folderId,
    conversationId: stored.conversationId,
    conversationIndex: stored.conversationIndex,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: stored.isRead,
    isDraft: stored.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(stored.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body,
    sender: stored.sender ?? null,
    from: stored.from ?? null,
    toRecipients: stored.toRecipients,
    ccRecipients: stored.ccRecipients,
    bccRecipients: stored.bccRecipients,
    replyTo: stored.replyTo,
    flag: stored.flag,
  };
  const wanted = options.select?.map((field) => field.toLowerCase());
  if (wanted?.includes('internetmessageheaders')) resource.internetMessageHeaders = stored.internetMessageHeaders;
  if (wanted?.includes('uniquebody')) resource.uniqueBody = body;
  const expandExtended = options.expandExtended;
  if (expandExtended !== undefined) {
    const matching = stored.singleValueExtendedProperties.filter((property) => expandExtended === '' || property.id.toLowerCase() === expandExtended.toLowerCase());
    if (matching.length > 0) resource.singleValueExtendedProperties = matching;
  }
  if (!wanted) return resource;
  return Object.fromEntries(Object.entries(resource).filter(([key]) => key === 'id' || key.startsWith('@') || wanted.includes(key.toLowerCase())));
}

/** `$expand=singleValueExtendedProperties($filter=id eq '...')` → the id asked for ('' = all). */
function expandedExtendedProperty(request: EmulatorRequest): string | undefined {
  const expand = request.query.get('$expand');
  if (!expand) return undefined;
  const match = /^singleValueExtendedProperties(?:\(\$filter=id eq '(.+)'\))?$/i.exec(expand.trim());
  if (!match) throw new GraphFault(400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${expand}' on type 'microsoft.graph.message'.`);
  return match[1] ?? '';
}

function filterable(target: Mailbox, stored: StoredMessage): Record<string, unknown> {
  return { ...messageResource(target, stored, { expandExtended: '' }), singleValueExtendedProperties: stored.singleValueExtendedProperties };
}

/** Outlook: every $orderby property must also appear in $filter, first, in the same order (else InefficientFilter). */
function checkOrderAgainstFilter(orderBy: string[], filterText: string | null): void {
  if (!filterText || orderBy.length === 0) return;
  const filterProperties = filterPaths(parseFilter(filterText)).map((path) => path.toLowerCase());
  orderBy.forEach((property, index) => {
    if (filterProperties[index] !== property.toLowerCase()) {
      throw new GraphFault(400, 'InefficientFilter', 'The restriction or sort order is too complex for this operation.');
    }
  });
}

function listMessages(context: EmulatorContext, request: EmulatorRequest, target: Mailbox, folderId: string | undefined): ReturnType<typeof ok> {
  const select = parseSelect(request.query);
  const top = parseTop(request.query, 1000) ?? 10;
  const skip = Number(request.query.get('$skip') ?? '0');
  const filterText = request.query.get('$filter');
  const orderText = request.query.get('$orderby');
  const order = (orderText ?? 'receivedDateTime desc').split(',').map((part) => part.trim().split(/\s+/));
  checkOrderAgainstFilter(orderText ? order.map(([property]) => property ?? '') : [], filterText);
  const filter = filterText ? parseFilter(filterText) : undefined;
  const candidates = folderId ? target.messagesIn(folderId) : [...target.messages.values()];
  const matching = candidates
    .filter((stored) => !filter || evaluateFilter(filter, filterable(target, stored)))
    .sort((a, b) => {
      for (const [property = 'receivedDateTime', direction = 'asc'] of order) {
        const left = String((a as unknown as Record<string, unknown>)[property] ?? '');
        const right = String((b as unknown as Record<string, unknown>)[property] ?? '');
        if (left !== right) return (left < right ? -1 : 1) * (direction.toLowerCase() === 'desc' ? -1 : 1);
      }
      return 0;
    });
  const page = matching.slice(skip, skip + top);
  const expandExtended = expandedExtendedProperty(request);
  const body: Record<string, unknown> = {
    '@odata.context': `${request.origin}/v1.0/$metadata#users('${encodeURIComponent(target.address)}')/messages`,
    value: page.map((stored) => messageResource(target, stored, { select, preference: bodyPreference(request), expandExtended })),
  };
  if (skip + top < matching.length) {
    const next = new URLSearchParams(request.query);
    next.set('$top', String(top));
    next.set('$skip', String(skip + top));
    body['@odata.nextLink'] = `${request.origin}/v1.0${request.path}?${next.toString()}`;
  }
  return ok(body, 200, preferenceApplied(bodyPreference(request)));
}

interface DeltaToken {
  generation: number;
  folderId: string;
  /** Changes after this sequence belong to the round. */
  since: number;
  /** Sequence at which the round ends (becomes `since` of the next round). */
  until: number;
  offset: number;
  initial: boolean;
  select?: string[] | undefined;
  changeType?: string | undefined;
  /** The one $filter delta on messages supports: receivedDateTime ge|gt an instant. */
  received?: { operator: 'ge' | 'gt'; instant: string } | undefined;
}

/**
 * Delta on messages supports `$filter` only as `receivedDateTime ge|gt {value}` and `$orderby`
 * only as `receivedDateTime desc`; anything else is refused rather than silently ignored.
 * https://learn.microsoft.com/graph/api/message-delta#query-parameters
 */
function deltaQueryOptions(request: EmulatorRequest): DeltaToken['received'] {
  for (const name of ['$search', '$expand', '$skip', '$count']) {
    if (request.query.has(name)) throw new GraphFault(400, 'ErrorInvalidUrlQuery', `The query parameter '${name}' is not supported with change tracking over the 'Messages' resource.`);
  }
  const orderby = request.query.get('$orderby');
  if (orderby !== null && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderby)) {
    throw new GraphFault(400, 'ErrorInvalidUrlQuery', `The $orderby expression '${orderby}' is not supported with change tracking over the 'Messages' resource; only 'receivedDateTime desc' is.`);
  }
  const filter = request.query.get('$filter');
  if (filter === null) return undefined;
  const match = /^\s*receivedDateTime\s+(ge|gt)\s+(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))\s*$/i.exec(filter);
  if (!match || Number.isNaN(Date.parse(match[2] ?? ''))) {
    throw new GraphFault(400, 'ErrorInvalidUrlQueryFilter', `The $filter expression '${filter}' is not supported with change tracking over the 'Messages' resource; only 'receivedDateTime ge|gt {value}' is.`);
  }
  return { operator: (match[1] ?? 'ge').toLowerCase() as 'ge' | 'gt', instant: match[2] ?? '' };
}

function isDeltaToken(value: unknown): value is DeltaToken {
  return typeof value === 'object' && value !== null && 'folderId' in value && 'since' in value && 'generation' in value;
}

/** Delta items carry their type, as in the message-delta doc's response sample. */
function deltaItem(target: Mailbox, stored: StoredMessage, select: string[] | undefined): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.message', ...messageResource(target, stored, { select }) };
}

/** https://learn.microsoft.com/graph/api/message-delta */
function delta(context: EmulatorContext, request: EmulatorRequest, target: Mailbox, folderName: string): ReturnType<typeof ok> {
  const folder = target.folder(folderName);
  const rawDelta = request.query.get('$deltatoken');
  const rawSkip = request.query.get('$skiptoken');
  const raw = rawSkip ?? (rawDelta === '' ? null : rawDelta);
  let token: DeltaToken;
  if (raw) {
    const decoded = decodeToken(raw, isDeltaToken);
    if (!decoded || decoded.folderId !== folder.id) throw new GraphFault(400, 'BadRequest', 'The delta token is malformed.');
    if (decoded.generation !== target.syncGeneration) {
      if (context.syncResetMode(target) === 'reset') {
        // "410 Gone ... Location header containing the base request with an empty $deltatoken": the first call's options come back.
        const options = [
          ...(decoded.select ? [`$select=${encodeURIComponent(decoded.select.join(','))}`] : []),
          ...(decoded.changeType ? [`changeType=${encodeURIComponent(decoded.changeType)}`] : []),
          '$deltatoken=',
        ];
        throw new GraphFault(410, 'resyncRequired', 'The sync state has been reset; start a new synchronization round.', {
          location: `${request.origin}/v1.0${request.path}?${options.join('&')}`,
        });
      }
      throw new GraphFault(400, 'syncStateNotFound', 'The sync state has expired or is invalid.');
    }
    token = decoded;
    if (rawDelta) token = { ...decoded, since: decoded.until, until: target.currentSequence, offset: 0, initial: false };
  } else {
    const received = deltaQueryOptions(request);
    token = {
      ...(received ? { received } : {}),
      generation: target.syncGeneration,
      folderId: folder.id,
      since: 0,
      until: target.currentSequence,
      offset: 0,
      initial: true,
      select: parseSelect(request.query),
      changeType: request.query.get('changeType') ?? undefined,
    };
  }
  const maxPageSize = /odata\.maxpagesize=(\d+)/i.exec(header(request, 'prefer') ?? '');
  const pageSize = Math.min(Number(maxPageSize?.[1] ?? parseTop(request.query, 1000) ?? 10), 1000);

  const received = token.received;
  const initialRound = (): StoredMessage[] =>
    target.messagesIn(folder.id).filter((stored) => {
      if (!received) return true;
      const difference = Date.parse(stored.receivedDateTime) - Date.parse(received.instant);
      return received.operator === 'ge' ? difference >= 0 : difference > 0;
    });
  const items: Record<string, unknown>[] = [];
  if (token.initial) {
    const all = initialRound().sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
    for (const stored of all.slice(token.offset, token.offset + pageSize)) items.push(deltaItem(target, stored, token.select));
  } else {
    const changed = target.changedSince(folder.id, token.since);
    for (const { id, created } of changed.slice(token.offset, token.offset + pageSize)) {
      const stored = target.messages.get(id);
      if (stored && stored.folderId === folder.id) {
        if (token.changeType === 'created' && !created) continue;
        if (token.changeType === 'updated' && created) continue;
        items.push(deltaItem(target, stored, token.select));
      } else if (token.changeType === undefined || token.changeType === 'deleted') {
        items.push({ '@odata.type': '#microsoft.graph.message', id, '@removed': { reason: 'deleted' } });
      }
    }
  }
  const total = token.initial ? initialRound().length : target.changedSince(folder.id, token.since).length;
  const nextOffset = token.offset + pageSize;
  const base = `${request.origin}/v1.0${request.path}`;
  const body: Record<string, unknown> = {
    '@odata.context': `${request.origin}/v1.0/$metadata#Collection(message)`,
    value: items,
  };
  if (nextOffset < total) {
    body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...token, offset: nextOffset })}`;
  } else {
    body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeToken({ ...token, since: token.until, until: token.until, offset: 0, initial: false })}`;
  }
  return ok(body);
}

function recipients(value: unknown): Recipient[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const address = (entry as { emailAddress?: { address?: unknown; name?: unknown } } | null | undefined)?.emailAddress;
    if (typeof address?.address !== 'string') return [];
    return [{ emailAddress: { address: address.address, name: typeof address.name === 'string' ? address.name : address.address } }];
  });
}

/** "Maximum number of headers in one message should be less than or equal to 5" (user-sendmail, JSON format). */
const maxCustomHeaders = 5;

function customHeaders(value: unknown): InternetHeader[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new GraphFault(400, 'ErrorInvalidRequest', 'internetMessageHeaders must be an array.');
  if (value.length > maxCustomHeaders) {
    throw new GraphFault(400, 'InvalidInternetMessageHeaderCollection', `Maximum number of headers in one message should be less than or equal to ${maxCustomHeaders}.`);
  }
  return value.map((entry) => {
    const { name, value: headerValue } = entry as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || typeof headerValue !== 'string') throw new GraphFault(400, 'ErrorInvalidRequest', 'Each internet message header needs a name and a value.');
    if (!/^x-/i.test(name)) {
      throw new GraphFault(400, 'InvalidInternetMessageHeader', `The internet message header name '${name}' should start with 'x-' or 'X-'.`);
    }
    return { name, value: headerValue };
  });
}

function extendedProperties(value: unknown): ExtendedProperty[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const { id, value: propertyValue } = entry as { id?: unknown; value?: unknown };
    return typeof id === 'string' && typeof propertyValue === 'string' ? [{ id, value: propertyValue }] : [];
  });
}

type NewMessage = Omit<StoredMessage, 'id' | 'folderId' | 'changeKey' | 'createdDateTime' | 'lastModifiedDateTime'>;

function messageFromJson(context: EmulatorContext, target: Mailbox, json: Record<string, unknown>): NewMessage {
  const now = context.clock.now().toISOString();
  const body = json.body as { contentType?: string; content?: string } | undefined;
  return {
    receivedDateTime: now,
    sentDateTime: now,
    subject: typeof json.subject === 'string' ? json.subject : '',
    body: { contentType: body?.contentType?.toLowerCase() === 'html' ? 'html' : 'text', content: body?.content ?? '' },
    toRecipients: recipients(json.toRecipients),
    ccRecipients: recipients(json.ccRecipients),
    bccRecipients: recipients(json.bccRecipients),
    replyTo: recipients(json.replyTo),
    internetMessageId: ids.internetMessageId(context.tenant.domain),
    conversationId: ids.conversation(),
    conversationIndex: randomBytes(22).toString('base64'),
    categories: Array.isArray(json.categories) ? json.categories.filter((c): c is string => typeof c === 'string') : [],
    isRead: true,
    isDraft: true,
    importance: 'normal',
    flag: { flagStatus: 'notFlagged' },
    internetMessageHeaders: customHeaders(json.internetMessageHeaders),
    singleValueExtendedProperties: extendedProperties(json.singleValueExtendedProperties),
    references: [],
    // A different From is stored on a draft; sending it is refused (ErrorSendAsDenied).
    from: recipients([json.from])[0] ?? { emailAddress: { name: target.displayName, address: target.address } },
  };
}

async function messageFromMime(context: EmulatorContext, target: Mailbox, request: EmulatorRequest): Promise<NewMessage> {
  const mime = await parseMimeBody(request.body);
  const base = messageFromJson(context, target, {});
  return {
    ...base,
    ...(mime.from ? { from: mime.from } : {}),
    subject: mime.subject ?? '',
    body: mime.html !== undefined ? { contentType: 'html', content: mime.html } : { contentType: 'text', content: mime.text ?? '' },
    ...(mime.html !== undefined && mime.text !== undefined ? { textAlternative: mime.text } : {}),
    toRecipients: mime.to,
    ccRecipients: mime.cc,
    bccRecipients: mime.bcc,
    internetMessageHeaders: mime.headers,
    references: mime.inReplyTo ? [...mime.references.filter((id) => id !== mime.inReplyTo), mime.inReplyTo] : mime.references,
  };
}

function isMime(request: EmulatorRequest): boolean {
  return (header(request, 'content-type') ?? '').toLowerCase().startsWith('text/plain');
}

function replySubject(subject: string): string {
  return /^re:/i.test(subject) ? subject : `RE: ${subject}`;
}

/** The reply's defaults from the original, as Exchange fills them in. */
function replyTo(original: StoredMessage, target: Mailbox, all: boolean): Pick<NewMessage, 'toRecipients' | 'ccRecipients' | 'subject' | 'conversationId' | 'references'> {
  const to = original.replyTo.length > 0 ? original.replyTo : original.from ? [original.from] : [];
  const others = all
    ? [...original.toRecipients, ...original.ccRecipients].filter((recipient) => recipient.emailAddress.address.toLowerCase() !== target.address.toLowerCase())
    : [];
  return {
    toRecipients: to,
    ccRecipients: others,
    subject: replySubject(original.subject),
    conversationId: original.conversationId,
    references: [...original.references, original.internetMessageId],
  };
}

function quoted(original: StoredMessage): string {
  const from = original.from?.emailAddress;
  const originalHtml = original.body.contentType === 'html' ? original.body.content : `<pre>${escapeHtml(original.body.content)}</pre>`;
  return `<hr><div><b>From:</b> ${escapeHtml(from?.name ?? '')} &lt;${escapeHtml(from?.address ?? '')}&gt;<br><b>Sent:</b> ${original.sentDateTime}<br><b>Subject:</b> ${escapeHtml(original.subject)}</div>${originalHtml}`;
}

async function buildReply(context: EmulatorContext, request: EmulatorRequest, target: Mailbox, original: StoredMessage, all: boolean): Promise<NewMessage> {
  const defaults = replyTo(original, target, all);
  if (isMime(request)) {
    // "Reply to the sender of a message" (message-reply, message-createReply): the pessimistic reading
    // is that Exchange addresses a MIME reply from the original, whatever the MIME To: and Cc: say.
    const mime = await messageFromMime(context, target, request);
    return { ...mime, ...defaults, subject: mime.subject || defaults.subject };
  }
  const json = jsonBody(request);
  const supplied = (json.message ?? {}) as Record<string, unknown>;
  const comment = typeof json.comment === 'string' ? json.comment : undefined;
  if (comment !== undefined && supplied.body !== undefined) {
    throw new GraphFault(400, 'ErrorInvalidRequest', 'Cannot specify both comment and message body properties.');
  }
  const fromJson = messageFromJson(context, target, supplied);
  const ownHtml = comment !== undefined ? `<div>${escapeHtml(comment).replace(/\n/g, '<br>')}</div>` : fromJson.body.contentType === 'html' ? fromJson.body.content : `<div>${escapeHtml(fromJson.body.content)}</div>`;
  return {
    ...fromJson,
    ...defaults,
    toRecipients: [...defaults.toRecipients, ...fromJson.toRecipients],
    body: { contentType: 'html', content: `<html><body>${ownHtml}${quoted(original)}</body></html>` },
  };
}

export function mailRoutes(context: EmulatorContext): Route[] {
  return [
    route('GET', `${user}/mailFolders`, (request, [userId = '']) => {
      const target = mailbox(context, request, userId, 'read');
      return ok({ value: [...target.folders.values()].map((folder) => ({ id: folder.id, displayName: folder.displayName, totalItemCount: target.messagesIn(folder.id).length })) });
    }),
    route('GET', `${user}${folderSegment}`, (request, [userId = '', folderId = '']) => {
      const target = mailbox(context, request, userId, 'read');
      const folder = target.folder(folderId);
      const items = target.messagesIn(folder.id);
      return ok({ id: folder.id, displayName: folder.displayName, parentFolderId: null, childFolderCount: 0, unreadItemCount: items.filter((m) => !m.isRead).length, totalItemCount: items.length });
    }),
    route('GET', `${user}${folderSegment}/messages/delta`, (request, [userId = '', folderId = '']) =>
      delta(context, request, mailbox(context, request, userId, 'read'), folderId),
    ),
    route('GET', `${user}${folderSegment}/messages`, (request, [userId = '', folderId = '']) => {
      const target = mailbox(context, request, userId, 'read');
      return listMessages(context, request, target, target.folder(folderId).id);
    }),
    route('GET', `${user}/messages`, (request, [userId = '']) => listMessages(context, request, mailbox(context, request, userId, 'read'), undefined)),
    route('GET', `${user}(?:${folderSegment})?${messageSegment}`, (request, [userId = '', , id = '']) => {
      const target = mailbox(context, request, userId, 'read');
      const select = parseSelect(request.query);
      const preference = bodyPreference(request);
      const resource = messageResource(target, message(target, id), { select, preference, expandExtended: expandedExtendedProperty(request) });
      const projection = select ? `(${select.join(',')})` : '';
      return ok({ '@odata.context': `${request.origin}/v1.0/$metadata#users('${encodeURIComponent(target.address)}')/messages${projection}/$entity`, ...resource }, 200, preferenceApplied(preference));
    }),
    route('PATCH', `${user}(?:${folderSegment})?${messageSegment}`, (request, [userId = '', , id = '']) => {
      const target = mailbox(context, request, userId, 'write');
      const stored = message(target, id);
      const json = jsonBody(request);
      const patch: Partial<StoredMessage> = {};
      for (const [key, value] of Object.entries(json)) {
        if (key.startsWith('@')) continue; // OData annotations such as @odata.type are not properties.
        const [sender] = key === 'from' || key === 'sender' ? recipients([value]) : [];
        if (key === 'isRead' && typeof value === 'boolean') patch.isRead = value;
        else if (key === 'categories' && Array.isArray(value) && value.every((c) => typeof c === 'string')) patch.categories = value;
        else if (key === 'flag' && typeof value === 'object' && value !== null) patch.flag = value as StoredMessage['flag'];
        else if (key === 'importance' && (value === 'low' || value === 'normal' || value === 'high')) patch.importance = value;
        else if (key === 'singleValueExtendedProperties') patch.singleValueExtendedProperties = [...stored.singleValueExtendedProperties.filter((p) => !extendedProperties(value).some((n) => n.id === p.id)), ...extendedProperties(value)];
        else if (stored.isDraft && key === 'subject' && typeof value === 'string') patch.subject = value;
        else if (stored.isDraft && key === 'body') patch.body = messageFromJson(context, target, { body: value }).body;
        else if (stored.isDraft && (key === 'toRecipients' || key === 'ccRecipients' || key === 'bccRecipients' || key === 'replyTo')) patch[key] = recipients(value);
        else if (stored.isDraft && (key === 'from' || key === 'sender') && sender) patch[key] = sender;
        else if (stored.isDraft && key === 'internetMessageId' && typeof value === 'string') patch.internetMessageId = value;
        else if (key === 'internetMessageHeaders') throw new GraphFault(400, 'ErrorInvalidPropertyUpdateSentMessage', 'internetMessageHeaders can only be set when the message is created.');
        else if (draftOnlyProperties.has(key) && !stored.isDraft) throw new GraphFault(400, 'ErrorInvalidPropertyUpdateSentMessage', 'Update operation is invalid for property of a sent message.');
        // Observed Graph answer to a PATCH carrying a computed property (EWS ErrorInvalidPropertySet).
        else if (readOnlyProperties.has(key)) throw new GraphFault(400, 'ErrorInvalidPropertySet', 'Set action is invalid for property.');
        else if (unmodelledProperties.has(key)) throw new GraphFault(400, 'ErrorInvalidPropertyRequest', `The emulator does not model updates of '${key}'.`);
        else if (!writableProperties.has(key) && !draftOnlyProperties.has(key)) {
          throw new GraphFault(400, 'RequestBodyRead', `The property '${key}' does not exist on type 'Microsoft.OutlookServices.Message'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
        } else throw new GraphFault(400, 'ErrorInvalidPropertyRequest', `The value of property '${key}' is not valid.`);
      }
      return ok(messageResource(target, target.update(stored, patch)));
    }),
    route('DELETE', `${user}(?:${folderSegment})?${messageSegment}`, (request, [userId = '', , id = '']) => {
      const target = mailbox(context, request, userId, 'write');
      target.remove(message(target, id));
      return noContent();
    }),
    route('POST', `${user}${messageSegment}/move`, (request, [userId = '', id = '']) => {
      const target = mailbox(context, request, userId, 'write');
      const stored = message(target, id);
      const destination = jsonBody(request).destinationId;
      if (typeof destination !== 'string') throw new GraphFault(400, 'ErrorInvalidRequest', 'The destinationId parameter is required.');
      return ok(messageResource(target, target.move(stored, target.folder(destination).id)), 201);
    }),
    route('POST', `${user}/messages`, async (request, [userId = '']) => {
      const target = mailbox(context, request, userId, 'write');
      const draft = isMime(request) ? await messageFromMime(context, target, request) : messageFromJson(context, target, jsonBody(request));
      return ok(messageResource(target, target.insert(target.folder('drafts').id, draft)), 201);
    }),
    route('POST', `${user}${messageSegment}/(reply|replyAll)`, async (request, [userId = '', id = '', action = '']) => {
      const target = mailbox(context, request, userId, 'send');
      const original = message(target, id);
      const reply = await buildReply(context, request, target, original, action.toLowerCase() === 'replyall');
      context.mail.submit(target, { ...reply, isDraft: false }, true);
      return noContent(202);
    }),
    route('POST', `${user}${messageSegment}/(createReply|createReplyAll)`, async (request, [userId = '', id = '', action = '']) => {
      const target = mailbox(context, request, userId, 'write');
      const original = message(target, id);
      const reply = await buildReply(context, request, target, original, action.toLowerCase() === 'createreplyall');
      return ok(messageResource(target, target.insert(target.folder('drafts').id, { ...reply, isDraft: true })), 201);
    }),
    route('POST', `${user}${messageSegment}/send`, (request, [userId = '', id = '']) => {
      const target = mailbox(context, request, userId, 'send');
      const draft = message(target, id);
      if (!draft.isDraft) throw new GraphFault(400, 'ErrorInvalidOperation', 'Only drafts can be sent.');
      const { id: _id, folderId: _folder, changeKey: _key, createdDateTime: _c, lastModifiedDateTime: _m, ...fields } = draft;
      context.mail.submit(target, fields, true);
      target.remove(draft);
      return noContent(202);
    }),
    route('POST', `${user}/sendMail`, async (request, [userId = '']) => {
      const target = mailbox(context, request, userId, 'send');
      if (isMime(request)) {
        context.mail.submit(target, { ...(await messageFromMime(context, target, request)), isDraft: false }, true);
        return noContent(202);
      }
      const json = jsonBody(request);
      if (typeof json.message !== 'object' || json.message === null) {
        throw new GraphFault(400, 'ErrorInvalidRequest', "The 'message' parameter is required.");
      }
      const saveToSentItems = json.saveToSentItems !== false && json.saveToSentItems !== 'false';
      context.mail.submit(target, { ...messageFromJson(context, target, json.message as Record<string, unknown>), isDraft: false }, saveToSentItems);
      return noContent(202);
    }),
  ];
}
