import { seedShowbackDemo } from './demo-data';
import { parseRemoteArgs } from './dev/args';
import { serveRemote } from './dev/serve-remote';
import { portProblems, runningLines, startPorts } from './first-run';
import { stackOptionsFromEnv, startStack } from './stack';

/** `npm start`'s long-running part: the stack on fixed, configurable ports until Ctrl-C. */
async function main(): Promise<void> {
  const remote = parseRemoteArgs(process.argv.slice(2));
  if (remote) return serveRemote(remote, process.env);
  const wanted = startPorts(process.env);
  const problems = wanted.problems.length ? wanted.problems : await portProblems(wanted.host, wanted.ports);
  if (problems.length) throw new Error(problems.join('\n  '));
  const stack = await startStack(stackOptionsFromEnv(process.env));
  // DEMO_DATA=0 starts with empty dashboards.
  const seeded = process.env.DEMO_DATA === '0' ? [] : await seedShowbackDemo(stack);
  const lines = runningLines(stack, { seeded, env: process.env });
  process.stdout.write(lines.join('\n'));
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`vcd-serverless failed to start: ${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
  process.exit(1);
});
