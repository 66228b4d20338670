import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseNotes } from './notes';

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A throwaway git repository with the given commits; `tag` marks the commit before it with a tag. */
function repo(steps: ({ commit: string } | { tag: string })[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsl-notes-'));
  repos.push(dir);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.invalid');
  git('config', 'user.name', 'Dev');
  steps.forEach((s, i) => {
    if ('tag' in s) return void git('tag', s.tag);
    writeFileSync(path.join(dir, 'f.txt'), String(i));
    git('add', 'f.txt');
    git('commit', '-q', '-m', s.commit);
  });
  return dir;
}

const DATE = new Date('2026-12-01T12:00:00Z');

describe('release notes', () => {
  it('list the commits since the previous version tag, newest first', () => {
    const cwd = repo([{ commit: 'first' }, { tag: 'v0.1.0' }, { commit: 'Showback: months in the org time zone' }, { commit: 'Fix | and `code` in a subject' }]);
    const notes = releaseNotes({ cwd, version: '0.2.0', date: DATE });
    expect(notes).toMatch(/^# vcd-serverless 0\.2\.0 \(2026-12-01\)\n\n2 commits since v0\.1\.0:\n\n- Fix \| and `code` in a subject \([0-9a-f]{7,}\)\n- Showback: months in the org time zone /);
    expect(notes).not.toContain('first');
  });

  it("skip this version's own tag when the release commit is tagged already", () => {
    const cwd = repo([{ commit: 'first' }, { tag: 'v0.1.0' }, { commit: 'second' }, { tag: 'v0.2.0' }]);
    const notes = releaseNotes({ cwd, version: '0.2.0', date: DATE });
    expect(notes).toContain('1 commit since v0.1.0:');
    expect(notes).toContain('- second (');
  });

  it('list every commit when no version was tagged before', () => {
    const cwd = repo([{ commit: 'first' }, { commit: 'second' }, { tag: 'not-a-version' }]);
    const notes = releaseNotes({ cwd, version: '0.1.0', date: DATE });
    expect(notes).toContain('2 commits (the first release):');
    expect(notes).toContain('- first (');
  });
});
