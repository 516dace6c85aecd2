import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../../src/ports/subscriptions.port.js';
import { OwnedSubscriptions } from '../../../src/workflows/owned-subscriptions.js';

function graph(ours: string[], options: { failFor?: string } = {}) {
  const asked: string[] = [];
  const port = {
    get: async (id: string): Promise<Subscription | undefined> => {
      asked.push(id);
      if (id === options.failFor) throw new Error('Graph did not answer');
      return ours.includes(id)
        ? { id, resource: 'users/inbox/mailFolders/inbox/messages', changeType: 'created', notificationUrl: 'https://weqs.example/api/notifications', lifecycleNotificationUrl: null, expirationDateTime: '2026-12-08T00:00:00Z' }
        : undefined;
    },
  };
  return { port, asked };
}

describe('OwnedSubscriptions', () => {
  it('owns what Graph shows this app, and not what it does not', async () => {
    const { port } = graph(['ours']);
    const owned = new OwnedSubscriptions(port);
    await expect(owned.owns('ours')).resolves.toBe(true);
    await expect(owned.owns('theirs')).resolves.toBe(false);
  });

  it('asks Graph once per subscription id, whatever the answer', async () => {
    const { port, asked } = graph(['ours']);
    const owned = new OwnedSubscriptions(port);
    for (let round = 0; round < 3; round += 1) {
      await owned.owns('ours');
      await owned.owns('theirs');
    }
    expect(asked).toEqual(['ours', 'theirs']);
  });

  it('says unknown when Graph cannot be asked, and asks again next time', async () => {
    const { port, asked } = graph(['ours'], { failFor: 'ours' });
    const owned = new OwnedSubscriptions(port);
    await expect(owned.owns('ours')).resolves.toBe('unknown');
    await expect(owned.owns('ours')).resolves.toBe('unknown');
    expect(asked).toEqual(['ours', 'ours']);
  });

  it('starts its memory afresh past a thousand ids rather than growing without bound', async () => {
    const { port, asked } = graph([]);
    const owned = new OwnedSubscriptions(port);
    for (let index = 0; index <= 1000; index += 1) await owned.owns(`s${index}`);
    await owned.owns('s0');
    expect(asked.filter((id) => id === 's0')).toHaveLength(2);
  });
});
