import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../../src/domain/change-notifications.js';
import { receiveChangeNotifications, receiveLifecycleNotifications, validationHandshake } from '../../../src/workflows/receive-notifications.js';
import type { InboundMessageReference, SubscriptionEvent, SubscriptionOwnership } from '../../../src/workflows/receive-notifications.js';

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
  const ours = 'c0ffee00-0000-4000-8000-000000000001';
  const receive = async (body: unknown, owns: SubscriptionOwnership = async (id) => id === ours): Promise<{ status: number; queued: InboundMessageReference[] }> => {
    const queued: InboundMessageReference[] = [];
    const response = await receiveChangeNotifications(
      JSON.stringify(body),
      clientState,
      async (reference) => {
        queued.push(reference);
      },
      owns,
    );
    return { status: response.status, queued };
  };

  it('queues one reference per created message and answers 202', async () => {
    const { status, queued } = await receive({ value: [notification(), notification({ resourceData: { id: 'AAMkAD2' } })] });
    expect(status).toBe(202);
    expect(queued.map((reference) => reference.messageId)).toEqual(['AAMkAD1', 'AAMkAD2']);
  });

  it('ignores notifications with a wrong clientState, and still answers 202 so Graph does not retry a POST that was never ours', async () => {
    const { status, queued } = await receive({ value: [notification({ clientState: 'guessed' })] });
    expect(status).toBe(202);
    expect(queued).toEqual([]);
  });

  it('judges each notification of a batch on its own: wrong clientState, bad shape and a subscription not ours drop only themselves', async () => {
    const { status, queued } = await receive({
      value: [
        notification({ clientState: 'guessed', resourceData: { id: 'AAMkADforged' } }),
        notification({ resourceData: { id: 'AAMkAD1' } }),
        { subscriptionId: ours, clientState, resourceData: { id: 'AAMkADnoChangeType' } },
        notification({ subscriptionId: 'another-apps-subscription', resourceData: { id: 'AAMkADstranger' } }),
        notification({ resourceData: { id: 'AAMkAD2' } }),
      ],
    });
    expect(status).toBe(202);
    expect(queued.map((reference) => reference.messageId)).toEqual(['AAMkAD1', 'AAMkAD2']);
  });

  it('accepts a notification with the right clientState when Graph cannot be asked about its subscription', async () => {
    const { queued } = await receive({ value: [notification({ subscriptionId: 'new-one' })] }, async () => 'unknown');
    expect(queued.map((reference) => reference.messageId)).toEqual(['AAMkAD1']);
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
    await expect(receiveChangeNotifications(JSON.stringify({ value: [notification()] }), clientState, () => Promise.reject(new Error('queue down')), async () => true)).rejects.toThrow('queue down');
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
