import type { BlobServiceClient } from '@azure/storage-blob';
import { catalogueStatusOf, frameworkSectionsCatalogue, parsePublishedCatalogue } from '../domain/criteria-catalogue.js';
import type { CatalogueStatus, CriteriaCatalogue } from '../domain/criteria-catalogue.js';
import { logger } from '../logging.js';

const container = 'weqs-config';
const blob = 'criteria-catalogue.json';
const refreshAfterMs = 10 * 60 * 1000;

/**
 * The criteria catalogue staff load (`npm run weqs -- catalogue load --file FILE`), kept as one
 * JSON blob. Until one is loaded, or if the stored one stops validating, applicants get the
 * built-in six-section form that points to the framework document: never placeholder criteria.
 * Running instances pick up a newly loaded catalogue within ten minutes.
 */
export class CriteriaCatalogueStore {
  private cached?: { catalogue: CriteriaCatalogue; loadedAt: number };

  constructor(private readonly blobs: BlobServiceClient) {}

  /** Validates (published criteria only) and stores; throws CriteriaCatalogueError listing every problem. */
  async save(json: unknown): Promise<CriteriaCatalogue> {
    const catalogue = parsePublishedCatalogue(json);
    const client = this.blobs.getContainerClient(container);
    await client.createIfNotExists();
    const body = JSON.stringify(catalogue);
    await client.getBlockBlobClient(blob).upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    this.cached = { catalogue, loadedAt: Date.now() };
    return catalogue;
  }

  async load(): Promise<CriteriaCatalogue> {
    if (this.cached && Date.now() - this.cached.loadedAt < refreshAfterMs) return this.cached.catalogue;
    const client = this.blobs.getContainerClient(container).getBlockBlobClient(blob);
    let catalogue = frameworkSectionsCatalogue();
    if (await client.exists()) {
      try {
        catalogue = parsePublishedCatalogue(JSON.parse((await client.downloadToBuffer()).toString('utf8')));
      } catch (error) {
        logger().error({ err: error }, 'the stored criteria catalogue is not valid; forms point to the framework document instead');
      }
    } else {
      logger().warn('no criteria catalogue is loaded; forms point to the framework document for the criteria');
    }
    this.cached = { catalogue, loadedAt: Date.now() };
    return catalogue;
  }

  /** For `weqs doctor` and `weqs catalogue status`: whether applicants get the published criteria. */
  async status(): Promise<CatalogueStatus> {
    return catalogueStatusOf(await this.load());
  }
}
