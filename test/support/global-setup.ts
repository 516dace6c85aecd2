import { ensureDevCertificates, trustBundle } from '../../emulator/tls.js';

/** Runs once before the workers fork: they inherit NODE_EXTRA_CA_CERTS and so trust the emulator. */
export default async function setup(): Promise<void> {
  const tls = await ensureDevCertificates();
  process.env.NODE_EXTRA_CA_CERTS = await trustBundle(tls);
}
