import { logger } from '../logging.js';
import type { StaffNotifier } from '../ports/staff-notifier.port.js';
import { done, parseRetryAfter, retry, tryAgain } from '../resilience/retry.js';

export type { StaffNotifier };

/** The webhook answered with a status other than success (0: it did not answer at all). */
export class TeamsWebhookRefused extends Error {
  constructor(readonly status: number) {
    super(`The Teams webhook refused the card with status ${status}.`);
    this.name = 'TeamsWebhookRefused';
  }
}

/**
 * Posts Adaptive Cards to the staff channel through a Teams Workflows webhook (Graph cannot post
 * channel messages app-only: https://learn.microsoft.com/graph/api/chatmessage-post). The URL's `sig` is a credential: it is never logged.
 * The trigger answers 202 before the card is posted, so failures to render show in the flow's
 * run history, not here.
 */
export class TeamsWorkflowNotifier implements StaffNotifier {
  constructor(
    private readonly webhookUrl: string,
    private readonly options: { timeoutMs?: number; attempts?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {}

  async post(payload: unknown): Promise<void> {
    await retry(
      async (attempt) => {
        let status = 0;
        let retryAfterMs: number | undefined;
        try {
          const response = await fetch(this.webhookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(payload),
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
          });
          status = response.status;
          retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), new Date());
          await response.arrayBuffer();
          if (response.ok) return done(undefined);
        } catch (error) {
          logger().warn({ err: error, attempt }, 'the Teams webhook did not answer');
        }
        const retryable = status === 0 || status === 429 || status >= 500;
        if (!retryable) throw new TeamsWebhookRefused(status);
        return tryAgain(String(status), retryAfterMs);
      },
      {
        attempts: this.options.attempts ?? 3,
        backoffMs: (attempt) => 2 ** attempt * 1000,
        maxDelayMs: 30_000,
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        exhausted: (status) => new TeamsWebhookRefused(Number(status)),
      },
    );
  }
}
