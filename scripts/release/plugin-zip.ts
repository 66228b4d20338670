import AdmZip from 'adm-zip';
import { ZipFile } from 'yazl';

/**
 * The release's plugin.zip, re-packed from the builder's dist/plugin.zip so that the same commit always gives the
 * same bytes: the builder's zip carries the build's wall-clock times and its own entry order, and its manifest the
 * version someone last typed into manifest.json. Here entries are sorted by name, every entry gets one fixed time
 * and mode, and the manifest's version is the package's (package.json is the one place a version is set).
 */
export interface PackOptions {
  /** The plugin zip as the builder wrote it. */
  zip: Buffer;
  /** Written into manifest.json's "version". */
  version: string;
  /** The time every entry carries (the release uses the commit's time). Seconds are rounded down to even ones (DOS time). */
  mtime: Date;
}

export async function packPluginZip(options: PackOptions): Promise<Buffer> {
  const entries = new AdmZip(options.zip)
    .getEntries()
    .filter((e) => !e.isDirectory)
    .map((e) => ({ name: e.entryName, data: e.getData() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const manifest = entries.find((e) => e.name === 'manifest.json');
  if (!manifest) throw new Error('the plugin zip has no manifest.json');
  manifest.data = withVersion(manifest.data, options.version);

  const out = new ZipFile();
  // DOS timestamps are read as local time fields: the UTC fields of the wanted instant, so any TZ writes the same.
  const t = options.mtime;
  const mtime = new Date(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds());
  for (const e of entries) {
    out.addBuffer(e.data, e.name, { mtime, mode: 0o100644, compress: true, compressionLevel: 9, forceDosTimestamp: true });
  }
  out.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    out.outputStream.on('data', (c: Buffer) => chunks.push(c));
    out.outputStream.on('error', reject);
    out.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** manifest.json with "version" set, keys in their order, as the builder formats it (two spaces). */
function withVersion(data: Buffer, version: string): Buffer {
  const manifest = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
  manifest.version = version;
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
}

/** The manifest inside a plugin zip (for checks and tests). */
export function manifestOf(zip: Buffer): Record<string, unknown> {
  const entry = new AdmZip(zip).getEntry('manifest.json');
  if (!entry) throw new Error('the plugin zip has no manifest.json');
  return JSON.parse(entry.getData().toString('utf8')) as Record<string, unknown>;
}
