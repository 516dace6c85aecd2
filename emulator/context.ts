import type { TokenClaims, TokenService } from './auth.js';
import { GraphFault } from './http.js';
import type { EmulatorRequest } from './http.js';
import type { Directory } from './directory.js';
import type { Clock } from './ids.js';
import type { Mailbox, MailSystem } from './mailbox.js';
import type { SharePoint } from './sharepoint.js';
import type { SubscriptionService } from './subscriptions.js';
import type { AppRegistration, TenantSeed } from './tenant.js';

export interface EmulatorTuning {
  /** Outlook's limit of concurrent requests per app and mailbox (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits). */
  mailboxConcurrency: number;
  /** Exchange Online's message rate limit per mailbox. */
  sendLimitPerMinute: number;
  /** How long after an over-the-limit send its non-delivery report arrives. */
  bounceDelayMs: number;
  /** How long an async driveItem copy takes. */
  copyDelayMs: number;
  notificationRetryDelaysMs: number[];
  /** Change notifications for one URL raised within this window share a POST (see SubscriptionOptions). */
  notificationBatchWindowMs: number;
  /** Lifetime of issued access tokens (Entra: 3599 s); tests shorten it to see expiry in real time. */
  tokenLifetimeSeconds: number;
}

/**
 * Everything the route modules share. Models are reached through the context at call time
 * (never captured), because `/_emulator/reset` replaces them.
 */
export interface EmulatorContext {
  readonly tenant: TenantSeed;
  readonly clock: Clock;
  readonly options: EmulatorTuning;
  readonly tokens: TokenService;
  mail: MailSystem;
  sharepoint: SharePoint;
  directory: Directory;
  subscriptions: SubscriptionService;
  syncResetModes: Map<Mailbox, 'expired' | 'reset'>;
  app(request: EmulatorRequest): AppRegistration;
  claims(request: EmulatorRequest): TokenClaims;
  syncResetMode(mailbox: Mailbox): 'expired' | 'reset';
}

export function requestIdentity(tokens: TokenService, request: EmulatorRequest): { claims: TokenClaims; app: AppRegistration } {
  const claims = request.claims;
  if (!claims) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  const app = tokens.application(claims.appid);
  if (!app) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
  return { claims, app };
}
