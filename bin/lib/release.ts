import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readPluginZip } from './deploy';
import { VcdProviderError } from './vcd-provider';

/**
 * `vcd-serverless deploy --release release/<v>`: the plugin.zip of that release, only when its bytes are the ones
 * SHA256SUMS lists (npm run release writes both, scripts/release/release.ts) and its manifest says that version.
 */

const PLUGIN = 'plugin.zip';
const SUMS = 'SHA256SUMS';

/** sha256sum's lines: "<hex>  <name>" (or " *<name>" for binary mode). */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/i.exec(line.trim());
    if (m) sums.set(m[2], m[1].toLowerCase());
  }
  return sums;
}

/** The release's plugin.zip path, after its checksum and version were checked; refuses naming the file otherwise. */
export async function verifiedReleaseZip(releaseDir: string): Promise<string> {
  const dir = path.resolve(releaseDir);
  const zipPath = path.join(dir, PLUGIN);
  let sumsText: string;
  try {
    sumsText = await readFile(path.join(dir, SUMS), 'utf8');
  } catch (err) {
    throw new VcdProviderError(`${path.join(dir, SUMS)} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is ${releaseDir} a directory npm run release wrote?`);
  }
  const expected = parseChecksums(sumsText).get(PLUGIN);
  if (!expected) throw new VcdProviderError(`${path.join(dir, SUMS)} lists no checksum for ${PLUGIN}: refusing to deploy an unverified plugin`);
  let bytes: Buffer;
  try {
    bytes = await readFile(zipPath);
  } catch (err) {
    throw new VcdProviderError(`cannot read ${zipPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) {
    throw new VcdProviderError(`${zipPath} does not match ${SUMS} (expected sha256 ${expected}, got ${actual}): refusing to deploy it; copy the release again`);
  }
  const { version } = await readPluginZip(zipPath);
  const named = path.basename(dir);
  if (/^v?\d+\.\d+\.\d+/.test(named) && named.replace(/^v/, '') !== version) {
    throw new VcdProviderError(`${zipPath} is version ${version}, not the ${named} its directory names: refusing to deploy it`);
  }
  return zipPath;
}
