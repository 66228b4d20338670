import type { Figures } from './figures';
import { benchGrowthInvoke } from './growth-invoke';
import { benchGrowthShowback } from './growth-showback';

export interface GrowthOptions {
  quick: boolean;
  /** `--growth-10m`: the showback figures at 10 M rows too (filling them takes minutes per store). */
  tenMillion: boolean;
  wanted: (prefix: string) => boolean;
}

/**
 * Issue 16 item 4 (and issue 15's budget check at 1 M rows): how the cost of a read or a call grows with the org's
 * data and functions. `--only growth.showback` or `--only growth.invoke` runs one half.
 */
export async function benchGrowth(figures: Figures, options: GrowthOptions): Promise<void> {
  if (options.wanted('growth.showback')) {
    const sizes = options.quick ? [100_000] : options.tenMillion ? [1_000_000, 10_000_000] : [1_000_000];
    await benchGrowthShowback(figures, { sizes, n: options.quick ? 50 : 200 });
  }
  if (options.wanted('growth.invoke')) await benchGrowthInvoke(figures, { quick: options.quick });
}
