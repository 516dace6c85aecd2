import type { TableEntityResult } from '@azure/data-tables';
import { claimIdentity } from '../ports/claims.port.js';
import type { ApplicationClaim, ClaimAward, ClaimResult, ClaimsPort, ClaimState, NewClaim, ProvisioningProgress } from '../ports/claims.port.js';
import { isStorageError, keyDigest, tableNames } from './tables.js';
import type { Tables } from './tables.js';

interface ClaimEntity {
  partitionKey: string;
  rowKey: string;
  organisationKey: string;
  organisationName: string;
  odsCode?: string;
  sourceMessageKey: string;
  requesterAddress: string;
  requesterName?: string;
  receivedAt: string;
  state: ClaimState;
  progress: string;
  award?: string;
  claimedAt: string;
}

const rowKey = 'claim';
/** Rows that give an evidence folder (by name, and by id once made) to exactly one application. */
const folderRowKey = 'folder';

interface FolderEntity {
  partitionKey: string;
  rowKey: string;
  owner: string;
  organisationKey: string;
  value: string;
}

function toClaim(entity: TableEntityResult<ClaimEntity>): ApplicationClaim {
  return {
    organisationKey: entity.organisationKey,
    organisationName: entity.organisationName,
    ...(entity.odsCode ? { odsCode: entity.odsCode } : {}),
    sourceMessageKey: entity.sourceMessageKey,
    requesterAddress: entity.requesterAddress,
    ...(entity.requesterName ? { requesterName: entity.requesterName } : {}),
    receivedAt: entity.receivedAt,
    state: entity.state,
    progress: JSON.parse(entity.progress) as ProvisioningProgress,
    ...(entity.award ? { award: JSON.parse(entity.award) as ClaimAward } : {}),
    claimedAt: entity.claimedAt,
    etag: entity.etag,
  };
}

/**
 * One application per organisation, atomically: the claim is an insert keyed by the organisation
 * key, and Azure Tables answers 409 to every other claimant, across any number of instances.
 * https://learn.microsoft.com/rest/api/storageservices/insert-entity
 */
export class OrganisationClaimsTable implements ClaimsPort {
  constructor(private readonly tables: Tables) {}

  private partition(organisationKey: string): string {
    return keyDigest(organisationKey);
  }

  async claim(request: NewClaim, now: Date): Promise<ClaimResult> {
    const table = await this.tables.client(tableNames.claims);
    const entity: ClaimEntity = {
      partitionKey: this.partition(request.organisationKey),
      rowKey,
      ...request,
      state: 'provisioning',
      progress: '{}',
      claimedAt: now.toISOString(),
    };
    try {
      await table.createEntity(entity);
    } catch (error) {
      if (!isStorageError(error, 409)) throw error;
      const existing = toClaim(await table.getEntity<ClaimEntity>(entity.partitionKey, rowKey));
      return existing.sourceMessageKey === request.sourceMessageKey ? { kind: 'resumed', claim: existing } : { kind: 'held-by-other', claim: existing };
    }
    return { kind: 'claimed', claim: toClaim(await table.getEntity<ClaimEntity>(entity.partitionKey, rowKey)) };
  }

  async checkpoint(claim: ApplicationClaim, progress: ProvisioningProgress, state: ApplicationClaim['state'] = claim.state): Promise<ApplicationClaim> {
    const table = await this.tables.client(tableNames.claims);
    const merged = { ...claim.progress, ...progress };
    const response = await table.updateEntity(
      { partitionKey: this.partition(claim.organisationKey), rowKey, progress: JSON.stringify(merged), state },
      'Merge',
      { etag: claim.etag },
    );
    return { ...claim, progress: merged, state, etag: response.etag ?? claim.etag };
  }

  async takeOver(previous: ApplicationClaim, request: NewClaim, now: Date): Promise<ApplicationClaim | undefined> {
    const table = await this.tables.client(tableNames.claims);
    const partitionKey = this.partition(request.organisationKey);
    // The finished application's record stays, under its own row, for the history.
    await table.upsertEntity({ ...this.entityOf(previous), rowKey: `history-${previous.progress.reference ?? previous.claimedAt}` }, 'Replace');
    const entity: ClaimEntity = { partitionKey, rowKey, ...request, state: 'provisioning', progress: '{}', claimedAt: now.toISOString() };
    try {
      await table.updateEntity(entity, 'Replace', { etag: previous.etag });
    } catch (error) {
      if (isStorageError(error, 412)) return undefined;
      throw error;
    }
    return toClaim(await table.getEntity<ClaimEntity>(partitionKey, rowKey));
  }

  async conclude(organisationKey: string, reference: string, state: Exclude<ClaimState, 'provisioning' | 'open'>, award?: ClaimAward): Promise<void> {
    const current = await this.get(organisationKey);
    // Only the application the claim is about; a later application has taken it over.
    if (!current || current.progress.reference !== reference || current.state === state) return;
    const table = await this.tables.client(tableNames.claims);
    await table.updateEntity({ partitionKey: this.partition(organisationKey), rowKey, state, ...(award ? { award: JSON.stringify(award) } : {}) }, 'Merge', { etag: current.etag });
  }

  private entityOf(claim: ApplicationClaim): ClaimEntity {
    const { etag: _etag, progress, award, ...rest } = claim;
    return { partitionKey: this.partition(claim.organisationKey), rowKey, ...rest, progress: JSON.stringify(progress), ...(award ? { award: JSON.stringify(award) } : {}) };
  }

  async get(organisationKey: string): Promise<ApplicationClaim | undefined> {
    const table = await this.tables.client(tableNames.claims);
    try {
      return toClaim(await table.getEntity<ClaimEntity>(this.partition(organisationKey), rowKey));
    } catch (error) {
      if (isStorageError(error, 404)) return undefined;
      throw error;
    }
  }

  async markFailed(organisationKey: string, sourceMessageKey: string): Promise<void> {
    const current = await this.get(organisationKey);
    if (!current || current.sourceMessageKey !== sourceMessageKey || current.state !== 'provisioning') return;
    const table = await this.tables.client(tableNames.claims);
    await table.updateEntity({ partitionKey: this.partition(organisationKey), rowKey, state: 'failed' }, 'Merge', { etag: current.etag });
  }

  /** Names and ids live in their own partitions of the claims table, one row each, inserted once. */
  private async own(kind: 'folder-name' | 'folder-id', value: string, claim: ApplicationClaim): Promise<'mine' | 'taken'> {
    const table = await this.tables.client(tableNames.claims);
    const entity: FolderEntity = { partitionKey: keyDigest(`${kind}:${value}`), rowKey: folderRowKey, owner: claimIdentity(claim), organisationKey: claim.organisationKey, value: value.slice(0, 1000) };
    try {
      await table.createEntity(entity);
      return 'mine';
    } catch (error) {
      if (!isStorageError(error, 409)) throw error;
      const existing = await table.getEntity<FolderEntity>(entity.partitionKey, folderRowKey);
      return existing.owner === entity.owner ? 'mine' : 'taken';
    }
  }

  async reserveFolderName(claim: ApplicationClaim, folderName: string): Promise<'reserved' | 'taken'> {
    // SharePoint treats names differing only in case as the same name.
    return (await this.own('folder-name', folderName.normalize('NFC').toLowerCase(), claim)) === 'mine' ? 'reserved' : 'taken';
  }

  async recordFolder(claim: ApplicationClaim, folderId: string): Promise<'recorded' | 'taken'> {
    return (await this.own('folder-id', folderId, claim)) === 'mine' ? 'recorded' : 'taken';
  }
}
