import { logger } from '../logging.js';

export interface StaffNotifier {
  post(payload: unknown): Promise<void>;
}

/** The webhook answered with a status other than success (0: it did not answer at all). */
export class TeamsWebhookRefused extends Error {
  constructor(readonly status: number) {
    super(`The Teams webhook refused the card with status ${status}.`);
    this.name = 'TeamsWebhookRefused';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts Adaptive Cards to the staff channel through a Teams Workflows webhook (Graph cannot post
 * channel messages app-only: https://learn.microsoft.com/graph/api/chatmessage-post). The URL's `sig` is a credential: it is never logged.
 * The trigger answers 202 before the card is posted, so failures to render show in the flow's
 * run history, not here.
 */
export class TeamsWorkflowNotifier implements StaffNotifier {
  constructor(
    private readonly webhookUrl: string,
    private readonly options: { timeoutMs?: number; attempts?: number } = {},
  ) {}

  async post(payload: unknown): Promise<void> {
    const attempts = this.options.attempts ?? 3;
    for (let attempt = 1; ; attempt += 1) {
      let status = 0;
      let retryAfter: string | null = null;
      try {
        const response = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        await response.arrayBuffer();
        if (response.ok) return;
      } catch (error) {
        logger().warn({ err: error, attempt }, 'the Teams webhook did not answer');
      }
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || attempt >= attempts) throw new TeamsWebhookRefused(status);
      await sleep(Math.min(Number(retryAfter ?? 2 ** attempt) * 1000, 30_000));
    }
  }
}
