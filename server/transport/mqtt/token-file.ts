import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Where `vcd-serverless deploy` leaves the external service's EXTENSION token for the backend: a JSON file (mode
 * 0600) with the token's id too, so deploy can tell whether vCD still holds it and undeploy can revoke it. A file
 * holding just the token (written by hand) is read as well.
 */

export const TOKEN_FILE_NAME = 'mqtt-extension.token';

const TokenFileSchema = z.object({ service: z.string().min(1), tokenId: z.string().min(1), token: z.string().min(1) });
export type TokenFile = z.infer<typeof TokenFileSchema>;

export const defaultTokenFile = (dataDir: string) => path.join(dataDir, TOKEN_FILE_NAME);

/** The stored token, or undefined when there is no file; throws when the file is there but unreadable as a token. */
export function readTokenFile(file: string): Partial<TokenFile> & { token: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!text.startsWith('{')) {
    if (!text) throw new Error(`${file} is empty`);
    return { token: text };
  }
  const parsed = TokenFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a token file (service, tokenId, token)`);
  return parsed.data;
}

/** Writes atomically with mode 0600 (the token is a long-lived credential). */
export function writeTokenFile(file: string, content: TokenFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function removeTokenFile(file: string): void {
  rmSync(file, { force: true });
}

/** Enough of a token to tell two apart in a log or a CLI line, never enough to use it. */
export const tokenHint = (token: string) => `…${token.slice(-4)}`;
