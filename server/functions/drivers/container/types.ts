import type Docker from 'dockerode';
import type { BuildResult, FunctionVersion } from '../../ports';
import type { BaseRuntime } from './base-images';

/** A function version as the container runtime sees it: the port's fields plus runtime, mode and egress. */
export interface ContainerFunctionVersion extends FunctionVersion {
  runtime?: BaseRuntime;
  mode?: 'per-call' | 'warm';
  /** Outbound network allowed: the container joins Podman's default network; the gateway still talks over the socket. */
  egress?: boolean;
}

export type ContainerBuildResult = BuildResult & { log: string; image?: string };

/** One started container of a function version, answering on a unix socket in its host directory. */
export interface Instance {
  id: string;
  container: Docker.Container;
  socketPath: string;
  dir: string;
  lastUsed: number;
}

/** Starts a container of a version (healthy when it resolves). */
export type StartInstance = (fn: ContainerFunctionVersion) => Promise<Instance>;
/** Removes a container in the background (the runtime waits for these on close). */
export type DropInstance = (instance: Instance | Promise<Instance>) => void;
