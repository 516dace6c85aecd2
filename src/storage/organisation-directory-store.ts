import { gunzipSync, gzipSync } from 'node:zlib';
import type { BlobServiceClient } from '@azure/storage-blob';
import { OrganisationDirectory } from '../domain/organisation-directory.js';
import { logger } from '../logging.js';

const container = 'weqs-config';
const blob = 'organisation-directory.json.gz';
const refreshAfterMs = 60 * 60 * 1000;

/**
 * The organisation directory built from NHS ODS files, kept as one gzipped snapshot in Blob
 * storage. Staff refresh it with `npm run weqs -- directory import ...`; running instances pick the
 * new snapshot up within an hour. With no snapshot yet, every name falls back to its name key.
 */
export class OrganisationDirectoryStore {
  private cached: { directory: OrganisationDirectory; loadedAt: number } | undefined;
  private loading: Promise<OrganisationDirectory> | undefined;

  constructor(private readonly blobs: BlobServiceClient) {}

  async save(directory: OrganisationDirectory): Promise<void> {
    const client = this.blobs.getContainerClient(container);
    await client.createIfNotExists();
    const body = gzipSync(JSON.stringify(directory.toJSON()));
    await client.getBlockBlobClient(blob).uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json', blobContentEncoding: 'gzip' } });
    this.cached = { directory, loadedAt: Date.now() };
  }

  /** Deletes the stored directory (a test's fresh start). */
  async remove(): Promise<void> {
    await this.blobs.getContainerClient(container).getBlockBlobClient(blob).deleteIfExists();
    this.cached = undefined;
  }

  /** When the stored directory was last imported; undefined when none has been. */
  async importedAt(): Promise<Date | undefined> {
    const client = this.blobs.getContainerClient(container).getBlockBlobClient(blob);
    if (!(await client.exists())) return undefined;
    return (await client.getProperties()).lastModified;
  }

  async load(): Promise<OrganisationDirectory> {
    if (this.cached && Date.now() - this.cached.loadedAt < refreshAfterMs) return this.cached.directory;
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async read(): Promise<OrganisationDirectory> {
    const client = this.blobs.getContainerClient(container).getBlockBlobClient(blob);
    let directory: OrganisationDirectory;
    if (await client.exists()) {
      directory = OrganisationDirectory.fromJSON(JSON.parse(gunzipSync(await client.downloadToBuffer()).toString('utf8')));
    } else {
      logger().warn('no organisation directory has been imported; organisations are matched by name only');
      directory = OrganisationDirectory.build([], []);
    }
    this.cached = { directory, loadedAt: Date.now() };
    return directory;
  }
}
