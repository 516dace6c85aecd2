import type { Client } from '@microsoft/microsoft-graph-client';
import type { DriveItem } from '@microsoft/microsoft-graph-types';
import { shareResultOf } from './folder-sharing.js';
import type { EvidenceFoldersPort, FolderPlan, ProvisionedFolder, ShareResult } from '../ports/evidence-folders.port.js';
import { isGraphError } from './graph-errors.js';
import type { SiteContext } from './site-context.js';
import { done, parseRetryAfter, retry, RetriesExhausted, tryAgain } from '../resilience/retry.js';
import type { AttemptOutcome } from '../resilience/retry.js';

export type { FolderPlan, ProvisionedFolder };

interface BatchStep {
  id: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface BatchResult {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const docxType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const retryableStatuses = new Set([429, 503, 504]);
const maxBatchRounds = 5;

function shareOutcome(result: BatchResult | undefined): ShareResult {
  return result ? shareResultOf(result.status, result.body) : { kind: 'refused', reason: 'the share step had no answer' };
}

function itemPath(driveId: string, segments: string[], suffix = ''): string {
  return `/drives/${driveId}/root:/${segments.map(encodeURIComponent).join('/')}:${suffix}`;
}

/**
 * The private evidence folder of one organisation, made in as few round trips as the dependencies
 * allow: one $batch creates the folder, then (all depending on it) the six section folders, the
 * application form and the sharing invitation. Every step is idempotent, so a retry after a crash
 * finishes the job without creating anything twice.
 * https://learn.microsoft.com/graph/json-batching
 */
export class EvidenceLibrary implements EvidenceFoldersPort {
  constructor(
    private readonly graph: Client,
    private readonly site: () => Promise<SiteContext>,
  ) {}

  private async batch(steps: BatchStep[]): Promise<Map<string, BatchResult>> {
    const results = new Map<string, BatchResult>();
    let pending = steps;
    const round = async (): Promise<AttemptOutcome<undefined>> => {
      const response = (await this.graph.api('/$batch').post({ requests: pending })) as { responses: BatchResult[] };
      // The SDK does not retry inside a batch; a throttled step comes back as its own 429.
      const throttled = response.responses.filter((result) => retryableStatuses.has(result.status));
      const throttledIds = new Set(throttled.map((result) => result.id));
      // A step that failed only because a throttled step failed (424) is retried with it.
      const retryIds = new Set([
        ...throttledIds,
        ...pending.filter((step) => results.get(step.id) === undefined && step.dependsOn?.some((id) => throttledIds.has(id))).map((step) => step.id),
      ]);
      for (const result of response.responses) if (!retryIds.has(result.id)) results.set(result.id, result);
      if (retryIds.size === 0) return done(undefined);
      // Retried steps no longer depend on steps that already succeeded in an earlier round.
      pending = pending.filter((step) => retryIds.has(step.id)).map(({ dependsOn, ...step }) => ({ ...step, ...(dependsOn?.some((id) => retryIds.has(id)) ? { dependsOn: dependsOn.filter((id) => retryIds.has(id)) } : {}) }));
      const now = new Date();
      const waitMs = Math.max(1000, ...throttled.map((result) => parseRetryAfter(result.headers?.['retry-after'] ?? result.headers?.['Retry-After'], now) ?? 1000));
      return tryAgain(`${retryIds.size} batch steps throttled`, waitMs);
    };
    try {
      await retry(round, { attempts: maxBatchRounds, backoffMs: () => 1000, maxDelayMs: 30_000 });
    } catch (error) {
      // Steps still throttled after the last round are left without a result: the caller treats them as not done.
      if (!(error instanceof RetriesExhausted)) throw error;
    }
    return results;
  }

  private async folderAt(driveId: string, name: string): Promise<DriveItem> {
    return (await this.graph.api(itemPath(driveId, [name])).select(['id', 'webUrl', 'createdDateTime']).get()) as DriveItem;
  }

  /** Whether anything (a folder, a file) already has this name at the top of the library. */
  async exists(folderName: string): Promise<boolean> {
    const { driveId } = await this.site();
    try {
      await this.graph.api(itemPath(driveId, [folderName])).select(['id']).get();
      return true;
    } catch (error) {
      if (isGraphError(error, 404)) return false;
      throw error;
    }
  }

  /**
   * Makes the folder, or finishes one an earlier attempt began. The caller guarantees the name is
   * this application's own (reserved for it, and free before anything was created), so a folder
   * already at that name is an earlier attempt's.
   */
  async provision(plan: FolderPlan): Promise<ProvisionedFolder> {
    const { driveId } = await this.site();
    const folder = [plan.folderName];
    const dependents: BatchStep[] = [
      ...plan.sectionFolderNames.map((name, index) => ({
        id: `section${index + 1}`,
        method: 'POST' as const,
        url: itemPath(driveId, folder, '/children'),
        headers: { 'Content-Type': 'application/json' },
        body: { name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
      })),
      {
        id: 'form',
        method: 'PUT',
        url: `${itemPath(driveId, [...folder, plan.formFileName], '/content')}?@microsoft.graph.conflictBehavior=fail`,
        headers: { 'Content-Type': docxType },
        body: Buffer.from(plan.form).toString('base64'),
      },
      {
        id: 'share',
        method: 'POST',
        url: itemPath(driveId, folder, '/invite'),
        headers: { 'Content-Type': 'application/json' },
        // Sign-in required, edit rights, only this person; staff keep access through the library's
        // inherited permissions, which sharing retains (retainInheritedPermissions defaults to true).
        body: { recipients: [{ email: plan.requesterEmail }], roles: ['write'], requireSignIn: true, sendInvitation: true, message: plan.invitationMessage },
      },
    ];
    const first = await this.batch([
      { id: 'folder', method: 'POST', url: `/drives/${driveId}/root/children`, headers: { 'Content-Type': 'application/json' }, body: { name: plan.folderName, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' } },
      ...dependents.map((step) => ({ ...step, dependsOn: ['folder'] })),
    ]);
    let folderItem: DriveItem;
    let results = first;
    const created = first.get('folder');
    if (created?.status === 201) {
      folderItem = created.body as DriveItem;
    } else if (created?.status === 409) {
      // The folder exists: an earlier attempt of this application made it (the name is ours).
      folderItem = await this.folderAt(driveId, plan.folderName);
      results = await this.batch(dependents);
    } else {
      throw new Error(`Creating the evidence folder failed with status ${created?.status ?? 'unknown'}: ${JSON.stringify(created?.body ?? {})}`);
    }
    for (const step of dependents) {
      // A refused share leaves the folder made: the application opens with access pending.
      if (step.id === 'share') continue;
      const result = results.get(step.id);
      // 409 means an earlier attempt already did this step.
      if (!result || (result.status >= 300 && result.status !== 409)) {
        throw new Error(`Provisioning step '${step.id}' failed with status ${result?.status ?? 'unknown'}: ${JSON.stringify(result?.body ?? {})}`);
      }
    }
    const formResult = results.get('form');
    const form = formResult && formResult.status < 300 ? (formResult.body as DriveItem) : ((await this.graph.api(itemPath(driveId, [...folder, plan.formFileName])).select(['id', 'webUrl']).get()) as DriveItem);
    return {
      folderName: plan.folderName,
      folderId: folderItem.id ?? '',
      folderUrl: folderItem.webUrl ?? '',
      formItemId: form.id ?? '',
      formUrl: form.webUrl ?? '',
      sharing: shareOutcome(results.get('share')),
    };
  }
}
