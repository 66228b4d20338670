import { defaultSandbox, runsIn, type FunctionRuntime } from '../../../contract/runtimes';

/** Starter code the editor offers; `labelKey` is its i18n key. */
export interface StarterTemplate {
  id: string;
  labelKey: string;
  runtime: string;
  code: string;
}

export const HELLO_WORLD_HANDLER = `module.exports = async (event, context) => ({
  statusCode: 200,
  body: { message: 'Hello ' + (event.query.name || 'world') },
});
`;

/** For an event trigger: event is vCD's notification JSON (type, eventId, org, entity, user, task as URNs). */
export const EVENT_HANDLER = `// Runs once for each vCD notification it subscribes to (e.g. a VM created in this organization).
module.exports = async (event, context) => {
  console.log('vCD event', event.type, 'on', event.entity, 'by', event.user);
  return { statusCode: 200, body: { handled: event.type, eventId: event.eventId } };
};
`;

export const STARTER_TEMPLATES: readonly StarterTemplate[] = [
  { id: 'hello', labelKey: 'serverless.functions.templates.hello', runtime: 'nodejs20', code: HELLO_WORLD_HANDLER },
  {
    id: 'echo',
    labelKey: 'serverless.functions.templates.echo',
    runtime: 'nodejs20',
    code: `// Answers with what it was called with.
module.exports = async (event, context) => {
  console.log('echo', event.method, event.path);
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: { method: event.method, path: event.path, query: event.query, body: event.body },
  };
};
`,
  },
  {
    id: 'event',
    labelKey: 'serverless.functions.templates.event',
    runtime: 'nodejs20',
    code: EVENT_HANDLER,
  },
  {
    id: 'python-hello',
    labelKey: 'serverless.functions.templates.pythonHello',
    runtime: 'python3',
    code: `def handle(event, context):
    name = (event.get("query") or {}).get("name", "world")
    print("hello", name)
    return {"statusCode": 200, "body": {"message": "Hello " + name}}
`,
  },
];

/** python3 runs only in a container; nodejs20 defaults to the isolate (the contract's RUNTIME_SANDBOXES). */
export const defaultSandboxOf = (runtime: string): string => defaultSandbox(runtime as FunctionRuntime);
export const isolateAllowed = (runtime: string): boolean => runsIn(runtime as FunctionRuntime, 'isolate');
