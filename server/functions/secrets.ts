import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'secrets.key';

/** Decodes SECRETS_KEY (base64 of 32 bytes) or throws naming what is wrong (never the value). */
export function decodeSecretsKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`SECRETS_KEY must be 32 bytes in base64, got ${key.length} bytes`);
  return key;
}

/**
 * The key that seals function secrets: SECRETS_KEY when configured, else `<dataDir>/secrets.key`, created once
 * (32 random bytes in base64, mode 0600). Replicas sharing one PostgreSQL must share SECRETS_KEY.
 */
export function loadSecretsKey(options: { secretsKey?: string; dataDir: string }): Buffer {
  if (options.secretsKey) return decodeSecretsKey(options.secretsKey);
  const file = path.join(options.dataDir, KEY_FILE);
  mkdirSync(options.dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return decodeSecretsKey(readFileSync(file, 'utf8').trim());
}

/** AES-256-GCM over a JSON object of secrets; the sealed form is "v1:<iv>:<tag>:<ciphertext>" in base64 parts. */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  seal(secrets: Record<string, string>): string | null {
    if (!Object.keys(secrets).length) return null;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  open(sealed: string | null): Record<string, string> {
    if (!sealed) return {};
    const [v, iv, tag, data] = sealed.split(':');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('sealed secrets have an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as Record<string, string>;
  }
}
