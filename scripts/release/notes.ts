import { execFileSync } from 'node:child_process';

/**
 * Release notes from git: the commits since the previous version tag (vX.Y.Z other than this version's own tag),
 * or all commits when there is none yet. Merge commits are left out: their branches' commits are listed themselves.
 */
export interface NotesOptions {
  cwd: string;
  version: string;
  /** The release's date (the commit's), as YYYY-MM-DD in the heading. */
  date: Date;
}

const git = (cwd: string, args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The newest version tag reachable from HEAD other than v<version>, or undefined. */
export function previousVersionTag(cwd: string, version: string): string | undefined {
  try {
    return git(cwd, ['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*', '--exclude', `v${version}`, 'HEAD']) || undefined;
  } catch {
    return undefined; // no tag yet
  }
}

export function releaseNotes(options: NotesOptions): string {
  const previous = previousVersionTag(options.cwd, options.version);
  const range = previous ? [`${previous}..HEAD`] : ['HEAD'];
  // %x1f / %x1e separate fields and records: subjects may hold any character.
  const log = git(options.cwd, ['log', '--no-merges', '--format=%h%x1f%s%x1e', ...range]);
  const commits = log
    .split('\x1e')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const [hash, subject] = r.split('\x1f');
      return { hash: hash!, subject: subject ?? '' };
    });
  const day = options.date.toISOString().slice(0, 10);
  const count = `${commits.length} commit${commits.length === 1 ? '' : 's'}`;
  return [
    `# vcd-serverless ${options.version} (${day})`,
    '',
    previous ? `${count} since ${previous}:` : `${count} (the first release):`,
    '',
    ...commits.map((c) => `- ${c.subject} (${c.hash})`),
    '',
  ].join('\n');
}
