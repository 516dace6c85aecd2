import { adaptiveCardProblems } from './adaptive-cards.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import type { TenantSeed } from './tenant.js';

export interface TeamsPost {
  webhook: string;
  receivedAt: string;
  card: unknown;
  /** What the flow's run history would show: the trigger accepts first, posting happens after. */
  runStatus: 'Succeeded' | 'Failed';
  runError?: string;
}

/** Teams accepts messages up to about 28 KB (https://learn.microsoft.com/microsoftteams/limits-specifications-teams#chat). */
const maxPayloadBytes = 28 * 1024;

function logicAppsError(status: number, code: string, message: string): EmulatorResponse {
  return { status, body: { error: { code, message } } };
}

/**
 * Checks a card as Teams renders it: schema 1.5 or lower, then whatever the official Adaptive
 * Cards parser reports for the declared version (unknown or misplaced elements and actions,
 * invalid values, missing properties), then absolute http(s) links, which the parser leaves alone.
 */
function cardProblem(card: unknown): string | undefined {
  if (typeof card !== 'object' || card === null) return 'The attachment content is not an Adaptive Card.';
  const { type, version, actions, body } = card as Record<string, unknown>;
  if (type !== 'AdaptiveCard') return "The attachment content must have type 'AdaptiveCard'.";
  if (typeof version !== 'string' || !/^1\.[0-5]$/.test(version)) return `Adaptive Card version '${String(version)}' is not supported by Teams (1.5 or lower).`;
  const parsed = adaptiveCardProblems(card)[0];
  if (parsed) return parsed;
  const problems: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'Action.OpenUrl' && (typeof element.url !== 'string' || !/^https?:\/\//i.test(element.url))) problems.push('Action.OpenUrl needs an absolute http(s) url.');
    for (const value of Object.values(element)) if (typeof value === 'object') visit(value);
  };
  visit(body ?? []);
  visit(actions ?? []);
  return problems[0];
}

/**
 * The Workflows "When a Teams webhook request is received" trigger: the URL's `sig` is the
 * credential, the trigger answers 202 at once, and the card is posted afterwards.
 * https://learn.microsoft.com/connectors/teams/
 */
export function handleWorkflowWebhook(tenant: TenantSeed, posts: TeamsPost[], request: EmulatorRequest, now: Date): EmulatorResponse {
  const match = /^\/workflows\/([^/]+)\/triggers\/manual\/paths\/invoke$/i.exec(request.path);
  const flow = tenant.teamsWebhooks.find((candidate) => candidate.flowId.toLowerCase() === match?.[1]?.toLowerCase());
  if (!flow) return logicAppsError(404, 'WorkflowNotFound', `The workflow '${match?.[1] ?? ''}' could not be found.`);
  if (request.method !== 'POST') return logicAppsError(405, 'MethodNotAllowed', 'The trigger only accepts POST.');
  if (request.query.get('sig') !== flow.signature) {
    return logicAppsError(401, 'DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid for the workflow trigger.');
  }
  if (request.body.length > maxPayloadBytes) return logicAppsError(413, 'MessageSizeTooBig', `The request content size exceeds the maximum of ${maxPayloadBytes} bytes.`);
  let payload: unknown;
  try {
    payload = JSON.parse(request.body.toString('utf8'));
  } catch {
    return logicAppsError(400, 'InvalidRequestContent', 'The request content is not valid JSON.');
  }
  const { type, attachments } = (payload ?? {}) as Record<string, unknown>;
  if (type !== 'message' || !Array.isArray(attachments) || attachments.length === 0) {
    return logicAppsError(400, 'TriggerInputSchemaMismatch', "The input body for trigger 'manual' of type 'Request' did not match its schema: expected type 'message' with a non-empty 'attachments' array.");
  }
  // The trigger's request schema lists contentType, contentUrl and content on every attachment;
  // a missing contentUrl (null is fine) fails the schema before any card is posted.
  // https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
  if (attachments.some((attachment) => typeof attachment !== 'object' || attachment === null || !('contentUrl' in attachment))) {
    return logicAppsError(400, 'TriggerInputSchemaMismatch', "The input body for trigger 'manual' of type 'Request' did not match its schema: required property 'contentUrl' is missing on an attachment.");
  }
  for (const attachment of attachments) {
    const { contentType, content } = (attachment ?? {}) as Record<string, unknown>;
    const problem = contentType !== 'application/vnd.microsoft.card.adaptive' ? "Attachment contentType must be 'application/vnd.microsoft.card.adaptive'." : cardProblem(content);
    posts.push({ webhook: flow.name, receivedAt: now.toISOString(), card: content, runStatus: problem ? 'Failed' : 'Succeeded', ...(problem ? { runError: problem } : {}) });
  }
  return { status: 202 };
}
