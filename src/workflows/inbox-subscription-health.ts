import { heading, paragraph, toPayload } from '../domain/card-toolkit.js';
import { logger } from '../logging.js';
import type { StaffNotifier } from '../ports/staff-notifier.port.js';
import type { SubscriptionOutcome } from './maintain-inbox-subscription.js';

export interface ServiceStateStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

const refusedName = 'inbox-subscription-refused';
const toldName = 'inbox-subscription-refusal-told';

export interface SweepCadence {
  /** Minutes between sweeps while change notifications arrive. */
  everyMinutes: number;
  /** Minutes between sweeps while Graph refuses the inbox subscription. */
  withoutNotificationsEveryMinutes: number;
}

/** The card staff get once when Graph refuses the inbox subscription: what happens, and what to grant. */
export function subscriptionRefusedCard(inboxAddress: string, sweepMinutes: number): ReturnType<typeof toPayload> {
  return toPayload([
    heading('New emails are picked up more slowly'),
    paragraph(`Microsoft Graph refused to notify weqs of new emails in ${inboxAddress}. weqs still handles every email: it now checks the inbox every ${sweepMinutes} minute${sweepMinutes === 1 ? '' : 's'} instead.`),
    paragraph(
      "To restore instant replies, an administrator grants the app registration the Microsoft Graph application permission Mail.ReadBasic.All (or Mail.Read) with admin consent, limited to the work experience inbox with an Exchange application access policy, then waits for the next subscription check (every six hours) or restarts the Function App.",
    ),
  ]);
}

/**
 * Remembers whether Graph refused the inbox subscription, and tells staff once per refusal (again
 * only after a subscription has worked in between).
 */
export async function recordSubscriptionOutcome(
  outcome: SubscriptionOutcome,
  deps: { state: ServiceStateStore; staff: StaffNotifier; inboxAddress: string; cadence: SweepCadence },
): Promise<void> {
  if (outcome !== 'refused') {
    if ((await deps.state.get(refusedName)) === 'true') logger().info('the inbox subscription works again; the sweep goes back to its usual pace');
    await deps.state.set(refusedName, 'false');
    await deps.state.set(toldName, 'false');
    return;
  }
  await deps.state.set(refusedName, 'true');
  if ((await deps.state.get(toldName)) === 'true') return;
  await deps.staff.post(subscriptionRefusedCard(deps.inboxAddress, deps.cadence.withoutNotificationsEveryMinutes));
  await deps.state.set(toldName, 'true');
}

/**
 * Whether the sweep timer, which fires every minute, should sweep at this minute: every
 * `everyMinutes` minutes of the hour while notifications arrive, every
 * `withoutNotificationsEveryMinutes` while Graph refuses the subscription. Stateless, so every
 * instance agrees and a missed minute is never made up twice.
 */
export async function isSweepDue(state: ServiceStateStore, cadence: SweepCadence, now: Date): Promise<boolean> {
  const refused = (await state.get(refusedName)) === 'true';
  const minutes = refused ? cadence.withoutNotificationsEveryMinutes : cadence.everyMinutes;
  return now.getUTCMinutes() % minutes === 0;
}
