import { createHash } from 'node:crypto';
import AdmZip from 'adm-zip';
import { describe, expect, it } from 'vitest';
import { manifestOf, packPluginZip } from './plugin-zip';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A zip as the builder writes one: its entries in the given order, stamped with the given build time. */
function builtZip(order: string[], builtAt: Date, manifestVersion = '0.0.9'): Buffer {
  const files: Record<string, Buffer> = {
    'manifest.json': Buffer.from(JSON.stringify({ urn: 'vmware:vcloud:plugin:serverless', name: 'Serverless', version: manifestVersion, module: 'PluginModule' })),
    'bundle.js': Buffer.from('define("PluginModule", [], function () { return { answer: 42 }; });\n'.repeat(50)),
    'i18n.json': Buffer.from(JSON.stringify({ en: { hello: 'Hello' }, de: { hello: 'Hallo' } })),
  };
  const zip = new AdmZip();
  for (const name of order) {
    zip.addFile(name, files[name]!);
    zip.getEntry(name)!.header.time = builtAt;
  }
  return zip.toBuffer();
}

const COMMIT_TIME = new Date('2026-11-30T17:45:12Z');

describe('the release plugin.zip', () => {
  it('has the same bytes for two builds of one commit, whatever their build times and entry order', async () => {
    const first = builtZip(['manifest.json', 'bundle.js', 'i18n.json'], new Date('2026-12-01T08:00:00Z'));
    const second = builtZip(['i18n.json', 'bundle.js', 'manifest.json'], new Date('2026-12-01T21:13:07Z'));
    expect(sha(first)).not.toBe(sha(second)); // the builder's zips differ ...
    const a = await packPluginZip({ zip: first, version: '1.4.0', mtime: COMMIT_TIME });
    const b = await packPluginZip({ zip: second, version: '1.4.0', mtime: COMMIT_TIME });
    expect(sha(a)).toBe(sha(b)); // ... the release's do not
    // Re-packing the release zip itself changes nothing either.
    expect(sha(await packPluginZip({ zip: a, version: '1.4.0', mtime: COMMIT_TIME }))).toBe(sha(a));
  });

  it("carries the package's version in its manifest, sorted entries with the commit's time, and the builder's files unchanged", async () => {
    const input = builtZip(['manifest.json', 'bundle.js', 'i18n.json'], new Date());
    const out = await packPluginZip({ zip: input, version: '2.0.1', mtime: COMMIT_TIME });
    expect(manifestOf(out)).toMatchObject({ version: '2.0.1', urn: 'vmware:vcloud:plugin:serverless', module: 'PluginModule' });
    const entries = new AdmZip(out).getEntries();
    expect(entries.map((e) => e.entryName)).toEqual(['bundle.js', 'i18n.json', 'manifest.json']);
    for (const e of entries) expect(e.header.time.getTime()).toBe(new Date(2026, 10, 30, 17, 45, 12).getTime());
    expect(new AdmZip(out).getEntry('bundle.js')!.getData()).toEqual(new AdmZip(input).getEntry('bundle.js')!.getData());
  });

  it('differs when the version or a file differs (the checksum means something)', async () => {
    const input = builtZip(['manifest.json', 'bundle.js', 'i18n.json'], COMMIT_TIME);
    const base = sha(await packPluginZip({ zip: input, version: '1.0.0', mtime: COMMIT_TIME }));
    expect(sha(await packPluginZip({ zip: input, version: '1.0.1', mtime: COMMIT_TIME }))).not.toBe(base);
    const changed = new AdmZip(input);
    changed.updateFile('bundle.js', Buffer.from('define("PluginModule", [], function () { return {}; });'));
    expect(sha(await packPluginZip({ zip: changed.toBuffer(), version: '1.0.0', mtime: COMMIT_TIME }))).not.toBe(base);
  });

  it('refuses a zip without a manifest', async () => {
    const zip = new AdmZip();
    zip.addFile('bundle.js', Buffer.from('x'));
    await expect(packPluginZip({ zip: zip.toBuffer(), version: '1.0.0', mtime: COMMIT_TIME })).rejects.toThrow('no manifest.json');
  });
});
