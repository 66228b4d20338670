import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { afterAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../../mock-vcd/testing/mock';
import { manifestOf } from './plugin-zip';
import { ARTIFACTS, release } from './release';

const root = path.resolve(__dirname, '../..');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const tmp = mkdtempSync(path.join(tmpdir(), 'vsl-release-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A builder's zip stamped with a build time (two builds of one commit differ in nothing else). */
function builderZip(file: string, builtAt: Date): string {
  const zip = new AdmZip(pluginZip({ manifest: { ...JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')), version: '0.0.0-stale' } }));
  for (const e of zip.getEntries()) e.header.time = builtAt;
  writeFileSync(file, zip.toBuffer());
  return file;
}

// The backend image has its own test (image.test.ts, real Podman); here the rest of the release, on this commit.
describe('npm run release (without the image)', () => {
  it('writes plugin.zip, SBOM, notes and SHA256SUMS; a second run on the same commit gives the same plugin.zip', async () => {
    const first = await release({ root, outDir: path.join(tmp, 'a'), build: false, image: false, distZip: builderZip(path.join(tmp, '1.zip'), new Date('2026-12-01T09:00:00Z')) });
    const second = await release({ root, outDir: path.join(tmp, 'b'), build: false, image: false, distZip: builderZip(path.join(tmp, '2.zip'), new Date('2026-12-01T21:00:00Z')) });
    expect(first.dir).toBe(path.join(tmp, 'a', version));
    const names = first.files.map((f) => f.name);
    expect(names).toEqual([ARTIFACTS.notes, ARTIFACTS.plugin, ARTIFACTS.sbom]);
    const zipSum = (r: typeof first) => r.files.find((f) => f.name === ARTIFACTS.plugin)!.sha256;
    expect(zipSum(second)).toBe(zipSum(first));

    const zip = readFileSync(path.join(first.dir, ARTIFACTS.plugin));
    expect(manifestOf(zip).version).toBe(version);

    // sha256sum itself accepts the checksums, and catches a changed file.
    expect(execFileSync('sha256sum', ['-c', ARTIFACTS.sums], { cwd: first.dir, encoding: 'utf8' })).toContain(`${ARTIFACTS.plugin}: OK`);
    writeFileSync(path.join(first.dir, ARTIFACTS.notes), 'edited');
    expect(() => execFileSync('sha256sum', ['-c', '--quiet', ARTIFACTS.sums], { cwd: first.dir, stdio: 'pipe' })).toThrow();
  });

  it("has a CycloneDX SBOM of the production dependencies only, and notes headed with this version", async () => {
    const r = await release({ root, outDir: path.join(tmp, 'c'), build: false, image: false, distZip: builderZip(path.join(tmp, '3.zip'), new Date()) });
    const sbom = JSON.parse(readFileSync(path.join(r.dir, ARTIFACTS.sbom), 'utf8')) as { bomFormat: string; components: { name: string; version: string }[] };
    expect(sbom.bomFormat).toBe('CycloneDX');
    const components = new Map(sbom.components.map((c) => [c.name, c.version]));
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(components.get('isolated-vm')).toBe(lock.packages['node_modules/isolated-vm']!.version);
    expect(components.get('express')).toBe(lock.packages['node_modules/express']!.version);
    for (const dev of ['vitest', '@angular/core', 'karma', '@playwright/test']) expect(components.has(dev)).toBe(false);
    const notes = readFileSync(path.join(r.dir, ARTIFACTS.notes), 'utf8');
    expect(notes.split('\n')[0]).toMatch(new RegExp(`^# vcd-serverless ${version.replace(/\./g, '\\.')} \\(\\d{4}-\\d{2}-\\d{2}\\)$`));
    const head = execFileSync('git', ['log', '-1', '--no-merges', '--format=%h'], { cwd: root, encoding: 'utf8' }).trim();
    expect(notes).toContain(`(${head})`);
  });
});
