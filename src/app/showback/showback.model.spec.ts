import { formatMoney } from '../shared/money';
import { breakdownChart, dailyChart, formatChange, monthlyChart, presetRange, toKpis, withAlpha, DEFAULT_PALETTE } from './showback.model';
import { wireBreakdown, wireDaily, wireMonthly, wireSummary } from '../../testing/showback-testing';

// Intl uses U+00A0 / U+202F between number and symbol in some locales; compare with plain spaces.
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('showback view model', () => {
  it('formats money from minor units in the portal locale (English and German separators and symbol)', () => {
    expect(formatMoney(123456, 'EUR', 'en-US')).toBe('€1,234.56');
    expect(plain(formatMoney(123456, 'EUR', 'de-DE'))).toBe('1.234,56 €');
    expect(formatMoney(123456, 'USD', 'en-US')).toBe('$1,234.56');
    // A currency without minor digits is not divided by 100.
    expect(plain(formatMoney(1500, 'JPY', 'en-US'))).toBe('¥1,500');
    // A code Intl does not know still shows the amount instead of breaking the page.
    expect(formatMoney(123456, 'EURO', 'en-US')).toBe('1,234.56 EURO');
  });

  it('shows the change with its sign and the locale decimal separator', () => {
    expect(formatChange(10.23, 'en-US')).toBe('+10.2%');
    expect(plain(formatChange(-4.5, 'de-DE'))).toBe('-4,5 %');
  });

  it('turns the summary into KPI texts: month to date, forecast with its band, last month and change', () => {
    const kpis = toKpis(wireSummary(), 'en-US');
    expect(kpis.monthToDate).toBe('€1,234.56');
    expect(kpis.forecast).toBe('€1,543.21');
    expect(kpis.forecastLow).toBe('€1,500.00');
    expect(kpis.forecastHigh).toBe('€1,600.50');
    expect(kpis.lastMonth).toBe('€1,400.00');
    expect(kpis.change).toBe('+10.2%');
    expect(kpis.trend).toBe('up');
    expect(kpis.accuracy).toEqual({ months: 6, day10: '4.2%', day20: '1.5%' });
    expect(toKpis(wireSummary(), 'de-DE').accuracy?.day10.replace(/\u00a0/g, ' ')).toBe('4,2 %');
    expect(toKpis(wireSummary({ forecast: { ...wireSummary().forecast, accuracy: null } }), 'en-US').accuracy).toBeNull();
    expect(toKpis(wireSummary({ changePct: null }), 'en-US')).toEqual(jasmine.objectContaining({ change: null, trend: 'none' }));
    expect(toKpis(wireSummary({ changePct: -3 }), 'en-US').trend).toBe('down');
  });

  it('stacks the monthly bars with one dataset per service, largest service first, zero where a month lacks it', () => {
    const chart = monthlyChart(wireMonthly(), 'en-US', DEFAULT_PALETTE);
    expect(chart.labels).toEqual(['Sep 2026', 'Oct 2026', 'Nov 2026']);
    expect(chart.series.map((s) => s.label)).toEqual(['compute', 'functions', 'storage']);
    expect(chart.series[0].data).toEqual([200, 250, 300]);
    expect(chart.series[1].data).toEqual([0, 80, 200]);
    expect(chart.series[2].data).toEqual([100, 120, 0]);
    expect(new Set(chart.series.map((s) => s.color)).size).toBe(3);
  });

  it('draws actual daily cost up to the data day and the forecast run rate with its band for the rest of the month', () => {
    // Data up to Nov 2; the month has 4 days left of which the range shows Nov 3 and 4.
    const summary = wireSummary({ dayOfMonth: 2, daysInMonth: 4, monthToDate: 2500, dataAsOf: '2026-11-02T23:00:00.000Z',
      forecast: { value: 5500, low: 4500, high: 6500, runRatePerDay: 1500, method: 'x', accuracy: null } });
    const chart = dailyChart(wireDaily(), summary, 'en-US', DEFAULT_PALETTE);
    expect(chart.labels).toEqual(['Nov 1', 'Nov 2', 'Nov 3', 'Nov 4']);
    const byKind = Object.fromEntries(chart.series.map((s) => [s.kind, s.data]));
    expect(byKind['actual']).toEqual([10, 15, null, null]);
    // The forecast joins the last actual day, then runs at 15.00 per day.
    expect(byKind['forecast']).toEqual([null, 15, 15, 15]);
    // Band: (low − month to date) / 2 remaining days = 10.00, (high − mtd) / 2 = 20.00.
    expect(byKind['bandLow']).toEqual([null, 10, 10, 10]);
    expect(byKind['bandHigh']).toEqual([null, 20, 20, 20]);
  });

  it('takes the day of month as the last day with data, even when dataAsOf is the next midnight', () => {
    const summary = wireSummary({ dayOfMonth: 2, daysInMonth: 4, monthToDate: 2500, dataAsOf: '2026-11-03T00:00:00.000Z',
      forecast: { value: 5500, low: 4500, high: 6500, runRatePerDay: 1500, method: 'x', accuracy: null } });
    const chart = dailyChart(wireDaily(), summary, 'en-US', DEFAULT_PALETTE);
    expect(chart.series[0].data).toEqual([10, 15, null, null]);
  });

  it('draws no forecast for a past range', () => {
    const past = { ...wireDaily(), items: wireDaily().items.map((item) => ({ ...item, day: item.day.replace('2026-11', '2026-10') })) };
    const chart = dailyChart(past, wireSummary(), 'en-US', DEFAULT_PALETTE);
    expect(chart.series.map((s) => s.kind)).toEqual(['actual']);
    expect(chart.series[0].data).toEqual([10, 15, 0, 0]);
  });

  it('gives the doughnut one slice per top item plus "other" for the rest', () => {
    const chart = breakdownChart(wireBreakdown(), DEFAULT_PALETTE, 'Other');
    expect(chart.labels).toEqual(['compute', 'functions', 'Other']);
    expect(chart.series[0].data).toEqual([400, 150, 50]);
    expect(breakdownChart(wireBreakdown({ other: 0 }), DEFAULT_PALETTE, 'Other').labels).toEqual(['compute', 'functions']);
  });

  it('computes the preset periods in UTC days', () => {
    expect(presetRange('thisMonth', '2026-02-10')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('lastMonth', '2026-01-10')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('last30', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
  });

  it('makes a translucent band colour from a theme colour', () => {
    expect(withAlpha('#8939ad', 0.2)).toBe('rgba(137,57,173,0.2)');
    expect(withAlpha('rgb(10, 20, 30)', 0.5)).toBe('rgba(10,20,30,0.5)');
  });
});
