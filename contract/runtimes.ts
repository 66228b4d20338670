/**
 * Function runtimes and the sandboxes they run in (DESIGN §5), without zod: the plugin imports this file, and a
 * value import of functions.ts would bundle zod into it. functions.ts re-exports everything here.
 */

export const RUNTIMES = ['nodejs20', 'python3'] as const;
export type FunctionRuntime = (typeof RUNTIMES)[number];
/** Where a version runs: a V8 isolate (nodejs20 only) or a Podman container. */
export const SANDBOXES = ['isolate', 'container'] as const;
export type Sandbox = (typeof SANDBOXES)[number];
/** Containers only: a fresh container per call, or warm containers reused (scale to zero after idle). */
export const CONTAINER_MODES = ['per-call', 'warm'] as const;
export type ContainerMode = (typeof CONTAINER_MODES)[number];

/**
 * The sandboxes each runtime can run in, its default first (the one definition of this fact for the backend and the
 * plugin): nodejs20 in an isolate unless asked for a container; python3 has no isolate, only a container.
 */
export const RUNTIME_SANDBOXES: Readonly<Record<FunctionRuntime, readonly Sandbox[]>> = { nodejs20: ['isolate', 'container'], python3: ['container'] };
export const defaultSandbox = (runtime: FunctionRuntime): Sandbox => RUNTIME_SANDBOXES[runtime][0];
export const runsIn = (runtime: FunctionRuntime, sandbox: Sandbox): boolean => RUNTIME_SANDBOXES[runtime].includes(sandbox);
