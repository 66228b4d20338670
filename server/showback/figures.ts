import type { ShowbackService } from './service';

/** What showback tells about one org: the summary's cost figures and the sources whose last run failed. */
export interface ShowbackOrgFigures {
  currency: string;
  monthToDate: number;
  forecast: number;
  lastMonth: number;
  staleSources: string[];
}

/** Summaries at a time: each is a handful of small queries; a pool of connections serves several at once. */
const PARALLEL = 8;

/**
 * Many orgs' cost figures, each from the org's own summary (the showback dashboard's numbers, by construction).
 * server/compose/ hands this to the provider feature.
 */
export function showbackOrgFigures(service: Pick<ShowbackService, 'summary'>) {
  return async (orgs: string[]): Promise<Map<string, ShowbackOrgFigures>> => {
    const out = new Map<string, ShowbackOrgFigures>();
    const queue = [...orgs];
    const worker = async () => {
      for (let org = queue.shift(); org !== undefined; org = queue.shift()) {
        const s = await service.summary(org);
        out.set(org, {
          currency: s.currency,
          monthToDate: s.monthToDate,
          forecast: s.forecast.value,
          lastMonth: s.lastMonth,
          staleSources: s.stale?.sources.map((x) => x.name) ?? [],
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, orgs.length) }, worker));
    return out;
  };
}
