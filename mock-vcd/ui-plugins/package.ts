import AdmZip from 'adm-zip';
import { badRequest } from '../http/vcd-errors';

/** The fields of a plugin's manifest.json the portal needs (VCD-WIRE §1); others are kept as they are. */
export interface PluginManifest {
  urn: string;
  name: string;
  version: string;
  module: string;
  route: string;
  [field: string]: unknown;
}

const REQUIRED_MANIFEST_FIELDS = ['urn', 'name', 'version', 'module', 'route'] as const;

/**
 * Unpacks a plugin.zip as vCD accepts it: manifest.json (urn, name, version, module, route) and bundle.js at the
 * top level. Throws a 400 VcdError that names what is wrong.
 */
export function unpackPlugin(bytes: Buffer): { manifest: PluginManifest; files: Map<string, Buffer> } {
  let entries: AdmZip.IZipEntry[];
  try {
    entries = new AdmZip(bytes).getEntries();
  } catch (err) {
    throw badRequest(`The uploaded file is not a zip archive (${err instanceof Error ? err.message : String(err)}).`);
  }
  const files = new Map<string, Buffer>();
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    const name = entry.entryName.replace(/\\/g, '/').replace(/^\.?\//, '');
    if (name.split('/').some((segment) => segment === '..' || segment === '')) continue;
    files.set(name, entry.getData());
  }
  const manifestBytes = files.get('manifest.json');
  if (!manifestBytes) throw badRequest('The plugin zip has no manifest.json at its top level.');
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw badRequest(`manifest.json is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw badRequest('manifest.json must hold a JSON object.');
  const missing = REQUIRED_MANIFEST_FIELDS.filter((f) => typeof manifest[f] !== 'string' || !(manifest[f] as string).trim());
  if (missing.length) throw badRequest(`manifest.json lacks the field(s) ${missing.join(', ')} (each a non-empty string).`);
  if (!files.has('bundle.js')) throw badRequest('The plugin zip has no bundle.js at its top level.');
  return { manifest: manifest as PluginManifest, files };
}
