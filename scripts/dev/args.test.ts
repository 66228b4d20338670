import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRemoteArgs, tokenProblem } from './args';

/** What `npm start -- --vcd ...` accepts, and what it says about the rest before anything starts. */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-remote-args-'));
const ca = path.join(dir, 'ca.pem');
writeFileSync(ca, 'pem');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start -- --vcd', () => {
  it('is the local mock stack without --vcd, the remote vCD\'s origin with it', () => {
    expect(parseRemoteArgs([])).toBeUndefined();
    expect(parseRemoteArgs(['--vcd', 'https://vcd.example/tenant/acme'])).toEqual({ vcdUrl: 'https://vcd.example', insecureTls: false });
    expect(parseRemoteArgs(['--vcd', 'https://vcd.example', '--vcd-ca', ca])).toEqual({ vcdUrl: 'https://vcd.example', caFile: ca, insecureTls: false });
    expect(parseRemoteArgs(['--vcd', 'https://vcd.example', '--insecure-tls'])).toMatchObject({ insecureTls: true });
  });

  it('names what is wrong with the arguments', () => {
    expect(() => parseRemoteArgs(['--vcd', 'vcd.example'])).toThrow('--vcd vcd.example is not a URL');
    expect(() => parseRemoteArgs(['--vcd', 'ftp://vcd.example'])).toThrow('must be an https:// (or http://) URL');
    expect(() => parseRemoteArgs(['--vcd', 'https://vcd.example', '--vcd-ca', ca, '--insecure-tls'])).toThrow('--vcd-ca and --insecure-tls exclude each other');
    expect(() => parseRemoteArgs(['--vcd', 'https://vcd.example', '--vcd-ca', path.join(dir, 'none.pem')])).toThrow('none.pem: no such file');
    expect(() => parseRemoteArgs(['--insecure-tls'])).toThrow('--vcd-ca and --insecure-tls need --vcd');
    expect(() => parseRemoteArgs(['--vdc', 'https://vcd.example'])).toThrow(/--vdc[\s\S]*usage: npm start -- /);
  });

  it('says how to get the EXTENSION token when the backend has none', () => {
    const problem = tokenProblem({ DATA_DIR: dir }, 'https://vcd.example');
    expect(problem).toContain(`no EXTENSION token in ${path.join(dir, 'mqtt-extension.token')}`);
    expect(problem).toContain('npx vcd-serverless deploy --vcd https://vcd.example');
    writeFileSync(path.join(dir, 'mqtt-extension.token'), '{}');
    expect(tokenProblem({ DATA_DIR: dir }, 'https://vcd.example')).toBeUndefined();
    expect(tokenProblem({ VCD_EXTENSION_TOKEN: 't', DATA_DIR: path.join(dir, 'x') }, 'https://vcd.example')).toBeUndefined();
  });
});
