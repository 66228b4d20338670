import { toMetricChartConfig } from './metric-chart.component';

const palette = { cpu: '#0072a3', memory: '#3c8500', threshold: '#c25400', text: '#333333', grid: 'rgba(0,0,0,0.1)' };
const texts = { cpu: 'CPU %', memory: 'Memory %', scaleOutCpu: 'Scale-out CPU threshold', scaleInCpu: 'Scale-in CPU threshold' };

describe('toMetricChartConfig', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, s));
  const config = toMetricChartConfig({
    points: [
      { at: at(0), cpuPercent: 32, memoryPercent: 37 },
      { at: at(20), cpuPercent: 85, memoryPercent: 59 },
      { at: at(22), cpuPercent: 60, memoryPercent: 49 },
    ],
    scaleOut: { cpuPercent: 70, memoryPercent: 80 },
    scaleIn: { cpuPercent: 20, memoryPercent: 30 },
    texts,
    locale: 'en-US',
    palette,
  });
  const series = (label: string) => config.data.datasets.find((d) => d.label === label)?.data as { x: number; y: number }[];

  it('draws CPU and memory at their real sample times, so a 2 s gap looks shorter than a 20 s one', () => {
    expect(series('CPU %')).toEqual([
      { x: at(0).getTime(), y: 32 },
      { x: at(20).getTime(), y: 85 },
      { x: at(22).getTime(), y: 60 },
    ]);
    expect(series('Memory %').map((p) => p.y)).toEqual([37, 59, 49]);
    expect((config.options?.scales?.['x'] as { type: string }).type).toBe('linear');
  });

  it('draws the CPU thresholds as lines across the whole window on a 0–100 % axis', () => {
    expect(series('Scale-out CPU threshold')).toEqual([{ x: at(0).getTime(), y: 70 }, { x: at(22).getTime(), y: 70 }]);
    expect(series('Scale-in CPU threshold')).toEqual([{ x: at(0).getTime(), y: 20 }, { x: at(22).getTime(), y: 20 }]);
    expect(config.options?.scales?.['y']).toEqual(jasmine.objectContaining({ min: 0, max: 100 }));
  });

  it('draws the forecast CPU after the last sample and stretches the thresholds to its end', () => {
    const ahead = (m: number) => new Date(Date.UTC(2026, 10, 25, 10, m, 0));
    const withForecast = toMetricChartConfig({
      points: [{ at: at(0), cpuPercent: 32, memoryPercent: 37 }],
      forecast: [
        { at: ahead(5), cpuPercent: 40, memoryPercent: 30 },
        { at: ahead(10), cpuPercent: 55, memoryPercent: 35 },
      ],
      scaleOut: { cpuPercent: 70, memoryPercent: 80 },
      scaleIn: { cpuPercent: 20, memoryPercent: 30 },
      texts: { ...texts, forecastCpu: 'Forecast CPU %' },
      locale: 'en-US',
      palette,
    });
    const line = (label: string) => withForecast.data.datasets.find((d) => d.label === label)?.data as { x: number; y: number }[];
    expect(line('Forecast CPU %')).toEqual([{ x: ahead(5).getTime(), y: 40 }, { x: ahead(10).getTime(), y: 55 }]);
    expect(line('Scale-out CPU threshold').at(-1)).toEqual({ x: ahead(10).getTime(), y: 70 });
    expect(series('Forecast CPU %')).toBeUndefined();
  });
});
