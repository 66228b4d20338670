import { portProblems, partsLines, startPorts } from '../first-run';
import type { RemoteArgs } from './args';
import { tokenProblem } from './args';
import { startRemoteDev } from './remote';

/** `npm start -- --vcd URL`'s long-running part: the local shell, proxy and backend on the fixed ports until Ctrl-C. */
export async function serveRemote(remote: RemoteArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const wanted = startPorts(env);
  const problems = wanted.problems.length ? wanted.problems : await portProblems(wanted.host, wanted.ports);
  const missing = tokenProblem(env, remote.vcdUrl);
  if (missing) problems.push(missing);
  if (problems.length) throw new Error(problems.join('\n  '));
  const [portal, backend] = wanted.ports.map((p) => p.port);
  const dev = await startRemoteDev({
    ...remote,
    host: wanted.host,
    port: portal,
    backendPort: backend,
    backend: { logLevel: env.LOG_LEVEL ?? 'warn', ...(env.DATA_DIR ? { dataDir: env.DATA_DIR } : {}) },
    warn: (line) => process.stderr.write(`warning: ${line}\n`),
  });
  const lines = [
    '',
    `vcd-serverless is running against ${remote.vcdUrl}.`,
    '',
    `  Portal:   ${dev.portalUrl}/login   (this shell and your plugin build; log in with your own ${remote.vcdUrl} account)`,
    `  vCD API:  ${dev.portalUrl}/api, /cloudapi, /oauth -> ${remote.vcdUrl} with your session (nothing stored)`,
    `  Backend:  ${dev.backendUrl}`,
    ...partsLines(env, `the MQTT bus of ${remote.vcdUrl} (its external service, the token deploy stored)`),
    ...(remote.caFile ? [`  vCD's certificate checked against ${remote.caFile}`] : []),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const stop = async () => {
    await dev.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
