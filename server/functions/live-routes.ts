import { Router, type Request, type Response } from 'express';
import { ActivationFeedQuerySchema, type ActivationFeedFilter } from '../../contract/activations';
import { NotAcceptable, parseOrThrow } from '../errors';
import type { ActivationFeed } from './activation-feed';
import { toActivationView } from './activations';

export interface LiveRoutesDeps {
  feed: ActivationFeed;
  /** Fires when the backend stops: open streams and long-polls end, so the server can close. */
  stopping?: AbortSignal;
  /** Throws NotFound when the org has no such function. */
  requireFunction(org: string, name: string): Promise<unknown>;
  /** A stream ends after this long; the client reconnects with Last-Event-ID (and its session is checked again). */
  streamMaxMs?: number;
  /** A stream sends a comment this often when nothing happens, so proxies keep it open. */
  keepAliveMs?: number;
}

const org = (res: Response): string => res.locals.org as string;

/** The filter and cursor of a feed or stream request; 400 naming the parameter when one is wrong. */
async function requestOf(req: Request, res: Response, deps: LiveRoutesDeps) {
  const name = String(req.params.name);
  res.locals.function = name;
  const q = parseOrThrow(ActivationFeedQuerySchema, req.query, 'invalid query');
  await deps.requireFunction(org(res), name);
  const filter: ActivationFeedFilter = { status: q.status, version: q.version, trigger: q.trigger };
  const lastEventId = req.get('last-event-id');
  const after = q.after ?? (lastEventId && /^\d{1,18}$/.test(lastEventId) ? lastEventId : undefined);
  return { name, filter, waitMs: q.waitMs, after: after ?? (await deps.feed.latest(org(res), name)) };
}

/** An AbortSignal that fires when the client goes away or the backend stops. */
function closedSignal(res: Response, stopping?: AbortSignal): AbortSignal {
  const ctrl = new AbortController();
  const abort = () => ctrl.abort();
  res.on('close', abort);
  if (stopping?.aborted) abort();
  stopping?.addEventListener('abort', abort, { once: true });
  res.on('close', () => stopping?.removeEventListener('abort', abort));
  return ctrl.signal;
}

/**
 * Live logs (issue 13, item 5), under /api/org/{org}/faas after auth and tenancy like every tenant route:
 * - GET /functions/{name}/activations/feed — long-poll: new activations after `after` (JSON), waiting up to waitMs;
 *   one request, one answer, so it works through every transport (vCD's MQTT bus, AMQP): the plugin uses it.
 * - GET /functions/{name}/activations/stream — Server-Sent Events (Accept: text/event-stream) for a client that
 *   reaches the backend over HTTP directly (the CLI); each event's id is its cursor (Last-Event-ID resumes).
 */
export function liveRoutes(deps: LiveRoutesDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/functions/:name/activations/feed', async (req, res) => {
    const r = await requestOf(req, res, deps);
    const page = await deps.feed.wait(org(res), r.name, r.after, r.filter, r.waitMs, closedSignal(res, deps.stopping));
    if (res.writableEnded || res.destroyed) return;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: page.items.map((i) => toActivationView(i.record)), cursor: page.cursor });
  });

  router.get('/functions/:name/activations/stream', async (req, res) => {
    if (!req.accepts('text/event-stream') || !String(req.get('accept') ?? '').includes('text/event-stream')) {
      throw new NotAcceptable('the stream answers text/event-stream only: ask with Accept: text/event-stream, or long-poll …/activations/feed');
    }
    const r = await requestOf(req, res, deps);
    await stream(res, deps, r);
  });

  return router;
}

async function stream(res: Response, deps: LiveRoutesDeps, r: Awaited<ReturnType<typeof requestOf>>): Promise<void> {
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  const signal = closedSignal(res, deps.stopping);
  const until = Date.now() + (deps.streamMaxMs ?? 300_000);
  let cursor = r.after;
  res.write(`retry: 2000\nid: ${cursor}\n: open\n\n`);
  while (!signal.aborted && Date.now() < until) {
    const wait = Math.min(deps.keepAliveMs ?? 15_000, Math.max(0, until - Date.now()));
    const page = await deps.feed.wait(org(res), r.name, cursor, r.filter, wait, signal);
    if (signal.aborted) break;
    for (const item of page.items) res.write(`id: ${item.cursor}\nevent: activation\ndata: ${JSON.stringify(toActivationView(item.record))}\n\n`);
    // Filtered-out rows move the cursor too: a reconnect need not look at them again.
    if (!page.items.length && page.cursor !== cursor) res.write(`id: ${page.cursor}\n: nothing new\n\n`);
    else if (!page.items.length) res.write(': keep-alive\n\n');
    cursor = page.cursor;
  }
  res.end();
}
