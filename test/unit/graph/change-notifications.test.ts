import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../../src/graph/change-notifications.js';
import { receiveChangeNotifications, receiveLifecycleNotifications, validationHandshake } from '../../../src/workflows/receive-notifications.js';
import type { InboundMessageReference, SubscriptionEvent } from '../../../src/workflows/receive-notifications.js';

const clientState = 'a-secret-client-state-of-sufficient-length';
const notification = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  subscriptionId: 'c0ffee00-0000-4000-8000-000000000001',
  clientState,
  changeType: 'created',
  resource: 'Users/abc/Messages/AAMkAD1',
  resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: 'AAMkAD1' },
  ...overrides,
});

describe('validationHandshake', () => {
  it('echoes the decoded token as text/plain', () => {
    expect(validationHandshake('Validation: Testing client application reachability')).toEqual({ status: 200, body: 'Validation: Testing client application reachability', contentType: 'text/plain' });
    expect(validationHandshake(null)).toBeUndefined();
  });
});

describe('sameSecret', () => {
  it('matches only the exact secret', () => {
    expect(sameSecret(clientState, clientState)).toBe(true);
    expect(sameSecret(`${clientState}x`, clientState)).toBe(false);
    expect(sameSecret('', clientState)).toBe(false);
    expect(sameSecret(null, clientState)).toBe(false);
  });
});

describe('receiveChangeNotifications', () => {
  const receive = async (body: unknown): Promise<{ status: number; queued: InboundMessageReference[] }> => {
    const queued: InboundMessageReference[] = [];
    const response = await receiveChangeNotifications(JSON.stringify(body), clientState, async (reference) => {
      queued.push(reference);
    });
    return { status: response.status, queued };
  };

  it('queues one reference per created message and answers 202', async () => {
    const { status, queued } = await receive({ value: [notification(), notification({ resourceData: { id: 'AAMkAD2' } })] });
    expect(status).toBe(202);
    expect(queued.map((reference) => reference.messageId)).toEqual(['AAMkAD1', 'AAMkAD2']);
  });

  it('ignores notifications with a wrong clientState and says 403 when none is genuine', async () => {
    const { status, queued } = await receive({ value: [notification({ clientState: 'guessed' })] });
    expect(status).toBe(403);
    expect(queued).toEqual([]);
  });

  it('drops forged notifications mixed with genuine ones', async () => {
    const { status, queued } = await receive({ value: [notification({ clientState: 'guessed', resourceData: { id: 'AAMkADevil' } }), notification()] });
    expect(status).toBe(202);
    expect(queued.map((reference) => reference.messageId)).toEqual(['AAMkAD1']);
  });

  it('rejects a body that is not a notification collection', async () => {
    expect((await receive('not json')).status).toBe(400);
    expect((await receive({ value: [] })).status).toBe(400);
  });

  it('answers 500-class failure when the queue is unavailable, so Graph retries', async () => {
    await expect(receiveChangeNotifications(JSON.stringify({ value: [notification()] }), clientState, () => Promise.reject(new Error('queue down')))).rejects.toThrow('queue down');
  });
});

describe('receiveLifecycleNotifications', () => {
  it('queues the lifecycle event of a genuine notification', async () => {
    const events: SubscriptionEvent[] = [];
    const response = await receiveLifecycleNotifications(JSON.stringify({ value: [{ subscriptionId: 's1', clientState, lifecycleEvent: 'missed' }] }), clientState, async (event) => {
      events.push(event);
    });
    expect(response.status).toBe(202);
    expect(events.map((event) => event.event)).toEqual(['missed']);
  });
});
