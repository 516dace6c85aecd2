import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { RequestLogEntry } from '../emulator/control.js';
import { devDirectory } from '../emulator/tls.js';

export type { RequestLogEntry };

export interface InboundEmail {
  to?: string;
  from: { name?: string; address: string };
  subject: string;
  body?: string;
  contentType?: 'text' | 'html';
  headers?: { name: string; value: string }[];
  /** The receiving service's verdict on the sender (the emulator stamps it above any carried header). */
  authentication?: 'pass' | 'fail' | 'softfail' | 'none' | 'missing';
}

/** A small client for the emulator's control API (/_emulator), trusting the local CA explicitly. */
export class EmulatorClient {
  private readonly ca: string;

  constructor(readonly baseUrl: string, caPath = join(devDirectory(), 'tls', 'ca.pem')) {
    this.ca = readFileSync(caPath, 'utf8');
  }

  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const outgoing = request(
        new URL(path, this.baseUrl),
        { method, ca: this.ca, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((response.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path} failed with ${String(response.statusCode)}: ${text}`));
            else resolve((text ? JSON.parse(text) : undefined) as T);
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  deliver(email: InboundEmail): Promise<{ id: string; internetMessageId: string }> {
    return this.call('POST', '/_emulator/inbox', email);
  }

  state<T = EmulatorState>(): Promise<T> {
    return this.call('GET', '/_emulator/state');
  }

  requests(): Promise<{ value: RequestLogEntry[] }> {
    return this.call('GET', '/_emulator/requests');
  }

  addFaults(rules: unknown): Promise<{ ids: string[] }> {
    return this.call('POST', '/_emulator/faults', rules);
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', '/_emulator/faults');
  }

  /** What a staff member does in Entra: makes the person a guest of the tenant. */
  addGuest(email: string, displayName?: string): Promise<{ id: string; userType: string }> {
    return this.call('POST', '/_emulator/directory/guests', { email, ...(displayName ? { displayName } : {}) });
  }

  /** The guest accepts the sharing invitation: their permissions appear in the item's list. */
  acceptSharing(email: string): Promise<{ accepted: number }> {
    return this.call('POST', '/_emulator/sharing/accept', { email });
  }
}


export interface EmulatorMessage {
  id: string;
  subject: string;
  categories: string[];
  isRead: boolean;
  conversationId: string;
  internetMessageId: string;
  from: { emailAddress: { address: string; name?: string } } | null;
  toRecipients: { emailAddress: { address: string } }[];
  body: { contentType: string; content: string };
  internetMessageHeaders: { name: string; value: string }[];
  singleValueExtendedProperties: { id: string; value: string }[];
}

export interface EmulatorState {
  now: string;
  mailboxes: { address: string; folders: Record<string, EmulatorMessage[]> }[];
  outbound: { to: string[]; subject: string; html?: string; text?: string; status: 'delivered' | 'bounced'; headers: { name: string; value: string }[]; inReplyTo?: string; submittedAt: string }[];
  sites: { id: string; path: string; drives: { id: string; name: string; root: EmulatorDriveNode }[]; lists: { id: string; displayName: string; items: { id: string; version: number; fields: Record<string, unknown> }[] }[] }[];
  sharingInvitations: { itemId: string; email: string; roles: string[] }[];
  directory: { id: string; mail: string; userType: 'Member' | 'Guest'; externalUserState?: string }[];
  teams: { webhook: string; receivedAt: string; card: unknown; runStatus: string; runError?: string }[];
  subscriptions: { id: string; resource: string; expirationDateTime: string; notificationUrl: string }[];
  /** Every change or lifecycle notification the emulator decided to send, held back from sending, or dropped. */
  notifications: { subscriptionId: string; status: 'pending' | 'delivered' | 'dropped' | 'failed'; attempts: number; kind: 'change' | 'lifecycle'; batchSize?: number; payload?: { resourceData?: { id?: string } | null } }[];
}

export interface EmulatorDriveNode {
  id: string;
  name: string;
  folder: boolean;
  size: number;
  permissionsInherited: boolean;
  permissions: { id: string; roles: string[]; pendingAcceptance?: boolean; grantedToV2?: { user?: { email?: string }; siteGroup?: { displayName: string } } }[];
  children: EmulatorDriveNode[];
}
