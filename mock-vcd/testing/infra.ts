import type { RunningMockVcd } from '../main';
import { ACCEPT, jsonOf } from './mock';
import { DEMO_INFRA_IDS } from '../infra/demo';

/** Helpers for the infra and vROps tests: vCD's legacy JSON Accept, task polling, demo ids. */

export const API_ACCEPT = 'application/*+json;version=37.0';
export const ACME = DEMO_INFRA_IDS.acme;
export const GLOBEX = DEMO_INFRA_IDS.globex;

export const apiHeaders = (token: string, extra: Record<string, string> = {}) => ({ Accept: API_ACCEPT, Authorization: `Bearer ${token}`, ...extra });
export const cloudHeaders = (token: string, extra: Record<string, string> = {}) => ({ Accept: ACCEPT, Authorization: `Bearer ${token}`, ...extra });

export async function getJson(mock: RunningMockVcd, token: string, path: string) {
  const res = await fetch(mock.url + path, { headers: path.startsWith('/cloudapi/') ? cloudHeaders(token) : apiHeaders(token) });
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return jsonOf(res);
}

/** Polls a task href until it leaves queued/running, as a vCD client does. */
export async function waitForTask(mock: RunningMockVcd, token: string, href: string) {
  const path = new URL(href).pathname;
  for (let i = 0; i < 500; i++) {
    const task = await getJson(mock, token, path);
    if (task.status !== 'queued' && task.status !== 'running') return task;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task ${href} did not finish`);
}

export async function admin(mock: RunningMockVcd, providerToken: string, method: string, path: string, body?: unknown) {
  return fetch(mock.url + path, {
    method,
    headers: { Authorization: `Bearer ${providerToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A VM's current CPU usage percent from /metrics/current. */
export async function cpuOf(mock: RunningMockVcd, token: string, vmUuid: string): Promise<number> {
  const usage = await getJson(mock, token, `/api/vApp/vm-${vmUuid}/metrics/current`);
  return usage.metric.find((m: { name: string }) => m.name === 'cpu.usage.average').value;
}
