import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Config } from '../config.js';

export function blobServiceClient(storage: Config['storage']): BlobServiceClient {
  if ('connectionString' in storage) return BlobServiceClient.fromConnectionString(storage.connectionString);
  return new BlobServiceClient(`https://${storage.accountName}.blob.core.windows.net`, new DefaultAzureCredential());
}
