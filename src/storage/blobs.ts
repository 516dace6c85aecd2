import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient } from '@azure/storage-blob';
import type { StorageTarget } from '../config.js';
import { requireCredential } from './tables.js';

export function blobServiceClient(storage: StorageTarget, credential?: TokenCredential): BlobServiceClient {
  if ('connectionString' in storage) return BlobServiceClient.fromConnectionString(storage.connectionString);
  return new BlobServiceClient(storage.serviceUris.blob, requireCredential(credential));
}
