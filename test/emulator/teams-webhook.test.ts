import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

/**
 * The Teams Workflows (Power Automate) "When a Teams webhook request is received" trigger
 * (facts file §9.3, trap 16). Not Graph: plain HTTPS POSTs, the URL's `sig` is the credential.
 */
function card(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', size: 'Large', weight: 'Bolder', text: 'New application', wrap: true },
      { type: 'FactSet', facts: [{ title: 'Organisation', value: 'Acme Ltd' }] },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open folder', url: 'https://weqs.sharepoint.example/sites/WorkExperience' }],
    ...overrides,
  };
}

function message(content: unknown): Record<string, unknown> {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}

describe('Teams Workflows webhook', () => {
  let env: TestEmulator;
  let webhook: string;
  const post = async (url: string, body: string | Record<string, unknown>): Promise<{ status: number; text: string; json: unknown }> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  };
  const teams = async () => (await env.control.state<EmulatorState>()).teams;

  beforeAll(async () => {
    env = await startTestEmulator();
    webhook = env.emulator.webhookUrl('staff-channel');
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
  });

  it('posts the card and still answers with the fault of an afterApply rule, so a caller cannot tell it went', async () => {
    await env.control.addFaults({ method: 'POST', path: '/workflows/**', status: 502, afterApply: true, times: 1 });
    const first = await post(webhook, message(card()));
    expect(first.status).toBe(502);
    expect(await teams()).toHaveLength(1);
    await env.control.addFaults({ method: 'POST', path: '/workflows/**', status: 503, times: 1 });
    expect((await post(webhook, message(card()))).status).toBe(503);
    expect(await teams()).toHaveLength(1);
    await env.control.clearFaults();
  });

  it('has the shape of a Workflows trigger URL', () => {
    const url = new URL(webhook);
    expect(url.pathname).toMatch(/^\/workflows\/[0-9a-f-]{36}\/triggers\/manual\/paths\/invoke$/);
    expect(url.searchParams.get('api-version')).toBe('2016-10-01');
    expect(url.searchParams.get('sp')).toBe('/triggers/manual/run');
    expect(url.searchParams.get('sv')).toBe('1.0');
    expect(url.searchParams.get('sig')).toBeTruthy();
  });

  it('accepts a valid Adaptive Card message with 202 and an empty body, and the card is posted', async () => {
    const response = await post(webhook, message(card()));
    expect(response.status).toBe(202);
    expect(response.text).toBe('');
    const posts = await teams();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ webhook: 'staff-channel', runStatus: 'Succeeded', card: card() });
    expect(posts[0]).not.toHaveProperty('runError');
  });

  it('returns 401 for a wrong sig and posts nothing', async () => {
    const url = new URL(webhook);
    url.searchParams.set('sig', 'wrong-signature-value');
    const response = await post(url.toString(), message(card()));
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: { code: 'DirectApiInvalidAuthorizationSignature' } });
    url.searchParams.delete('sig');
    expect((await post(url.toString(), message(card()))).status).toBe(401);
    expect(await teams()).toEqual([]);
  });

  it('returns 404 for a flow that does not exist', async () => {
    const url = new URL(webhook);
    url.pathname = '/workflows/00000000-1111-2222-3333-444444444444/triggers/manual/paths/invoke';
    const response = await post(url.toString(), message(card()));
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ error: { code: 'WorkflowNotFound' } });
  });

  it('returns 400 for a body that is not JSON', async () => {
    const response = await post(webhook, '{"type": "message", "attachments": [');
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: 'InvalidRequestContent' } });
    expect(await teams()).toEqual([]);
  });

  it.each([
    ['no attachments', { type: 'message' }],
    ['an empty attachments array', { type: 'message', attachments: [] }],
    ['a type other than message', { type: 'card', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card() }] }],
    ['an attachment without contentUrl', { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card() }, { contentType: 'application/vnd.microsoft.card.adaptive', content: card() }] }],
  ])('returns 400 TriggerInputSchemaMismatch for %s', async (_label, body) => {
    const response = await post(webhook, body);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: 'TriggerInputSchemaMismatch' } });
    expect(await teams()).toEqual([]);
  });

  it('returns 413 for a payload over 28 KB, and accepts one just under', async () => {
    const padded = (size: number): string => {
      const base = JSON.stringify(message(card({ body: [{ type: 'TextBlock', text: '', wrap: true }] })));
      return JSON.stringify(message(card({ body: [{ type: 'TextBlock', text: 'x'.repeat(size - base.length), wrap: true }] })));
    };
    const tooBig = padded(28 * 1024 + 1);
    expect(Buffer.byteLength(tooBig)).toBe(28 * 1024 + 1);
    const rejected = await post(webhook, tooBig);
    expect(rejected.status).toBe(413);
    expect(await teams()).toEqual([]);
    const justFits = padded(28 * 1024);
    expect(Buffer.byteLength(justFits)).toBe(28 * 1024);
    expect((await post(webhook, justFits)).status).toBe(202);
  });

  it.each([
    ['Adaptive Card version 1.6', card({ version: '1.6' }), /version '1\.6'/],
    ['an unknown element', card({ body: [{ type: 'FancyWidget', text: 'x' }] }), /Unknown element type "FancyWidget"/],
    ['an Action.OpenUrl without an absolute URL', card({ actions: [{ type: 'Action.OpenUrl', title: 'Open', url: '/relative' }] }), /absolute/],
    ['a non-card attachment', { type: 'NotACard' }, /AdaptiveCard/],
  ])('accepts %s with 202 but the flow run fails (visible only in the run history)', async (_label, content, reason) => {
    const response = await post(webhook, message(content));
    expect(response.status).toBe(202);
    expect(response.text).toBe('');
    const [run] = await teams();
    expect(run?.runStatus).toBe('Failed');
    expect(run?.runError).toMatch(reason);
  });

  it('fails the run when the attachment is not an Adaptive Card content type', async () => {
    const response = await post(webhook, { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.hero', contentUrl: null, content: { title: 'Hero' } }] });
    expect(response.status).toBe(202);
    expect((await teams())[0]).toMatchObject({ runStatus: 'Failed', runError: expect.stringMatching(/contentType/) as unknown });
  });
});
