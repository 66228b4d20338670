import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretsKey, SecretBox } from './secrets';

describe('function secrets at rest', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsl-secrets-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('seals secrets so the stored text holds neither names nor values, and opens them again', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal({ API_TOKEN: 'sk-plain-value' }) as string;
    expect(sealed).not.toContain('sk-plain-value');
    expect(sealed).not.toContain('API_TOKEN');
    expect(box.open(sealed)).toEqual({ API_TOKEN: 'sk-plain-value' });
    // A fresh IV each time: equal secrets do not seal to equal text.
    expect(box.seal({ API_TOKEN: 'sk-plain-value' })).not.toBe(sealed);
  });

  it('stores nothing for no secrets', () => {
    const box = new SecretBox(randomBytes(32));
    expect(box.seal({})).toBeNull();
    expect(box.open(null)).toEqual({});
  });

  it('refuses sealed text that was altered or sealed with another key', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal({ A: 'b' }) as string;
    const parts = sealed.split(':');
    const data = Buffer.from(parts[3], 'base64');
    data[0] ^= 1;
    expect(() => box.open([...parts.slice(0, 3), data.toString('base64')].join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('creates the key file once in the data dir, readable by the owner only, and reuses it', () => {
    const dir = tempDir();
    const key = loadSecretsKey({ dataDir: dir });
    expect(key).toHaveLength(32);
    const file = path.join(dir, 'secrets.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretsKey({ dataDir: dir }).equals(key)).toBe(true);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(key)).toBe(true);
  });

  it('uses SECRETS_KEY when configured and writes no key file', () => {
    const dir = tempDir();
    const given = randomBytes(32);
    expect(loadSecretsKey({ secretsKey: given.toString('base64'), dataDir: dir }).equals(given)).toBe(true);
    expect(() => statSync(path.join(dir, 'secrets.key'))).toThrow();
    expect(() => loadSecretsKey({ secretsKey: randomBytes(16).toString('base64'), dataDir: dir })).toThrow(/32 bytes/);
  });
});
