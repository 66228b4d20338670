import path from 'node:path';
import { startMockVcd } from '../../main';
import { installUiPlugin, loginAsProvider } from '../../../bin/lib/vcd-provider';
import { writeFixturePluginZip } from './fixture-plugin';

/**
 * Develop the portal host alone: the mock vCD serving dist/portal/browser with the fixture plugin (and, when
 * built, the real dist/plugin.zip) installed. `npx tsx mock-vcd/portal/testing/serve.ts` (MOCK_VCD_PORT, default 8098).
 */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const mock = await startMockVcd({
    host: process.env.MOCK_VCD_HOST ?? '127.0.0.1',
    port: Number(process.env.MOCK_VCD_PORT ?? 8098),
    portalDir: path.join(root, 'dist/portal/browser'),
  });
  const provider = await loginAsProvider({ vcdUrl: mock.url, user: 'administrator@System', password: 'provider-demo' });
  await installUiPlugin(provider, { zipPath: await writeFixturePluginZip() });
  const realZip = process.env.PLUGIN_ZIP ?? path.join(root, 'dist/plugin.zip');
  await installUiPlugin(provider, { zipPath: realZip }).catch((err) => process.stderr.write(`(no real plugin: ${err.message})\n`));
  process.stdout.write(`portal: ${mock.url}/login  (admin@acme / acme-demo, administrator@System / provider-demo)\n`);
  process.once('SIGINT', () => void mock.close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void mock.close().then(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
