import type { TableEntityResult } from '@azure/data-tables';
import type { ApplicationClaim, ClaimResult, ClaimsPort, NewClaim, ProvisioningProgress } from '../ports/claims.port.js';
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
  state: ApplicationClaim['state'];
  progress: string;
  claimedAt: string;
}

const rowKey = 'claim';

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

  async get(organisationKey: string): Promise<ApplicationClaim | undefined> {
    const table = await this.tables.client(tableNames.claims);
    try {
      return toClaim(await table.getEntity<ClaimEntity>(this.partition(organisationKey), rowKey));
    } catch (error) {
      if (isStorageError(error, 404)) return undefined;
      throw error;
    }
  }
}
