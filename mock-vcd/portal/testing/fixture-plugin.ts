import path from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import AdmZip from 'adm-zip';

/** The hand-written fixture plugin (see fixture-plugin/bundle.js) as a plugin.zip on disk, for upload tests. */
export const FIXTURE_PLUGIN_DIR = path.join(__dirname, 'fixture-plugin');
export const FIXTURE_PLUGIN_NAME = 'Fixture';
export const FIXTURE_PLUGIN_ROUTE = 'fixture';

export async function writeFixturePluginZip(): Promise<string> {
  const zip = new AdmZip();
  for (const file of ['manifest.json', 'i18n.json', 'bundle.js']) zip.addLocalFile(path.join(FIXTURE_PLUGIN_DIR, file));
  const dir = await mkdtemp(path.join(tmpdir(), 'portal-fixture-'));
  const zipPath = path.join(dir, 'plugin.zip');
  await writeFile(zipPath, zip.toBuffer());
  return zipPath;
}
