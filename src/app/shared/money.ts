/**
 * Money in the portal's locale (Intl): what showback's pages and the provider's tenants overview both show.
 * Amounts travel as integer minor units (cents) with an ISO 4217 currency code.
 */

/** Digits after the decimal point of a currency (EUR 2, JPY 0), per Intl. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Integer minor units (cents) → major units of the currency. */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** 123456 EUR cents in de-DE → "1.234,56 €"; in en-US → "€1,234.56". */
export function formatMoney(minor: number, currency: string, locale: string, options: { compact?: boolean } = {}): string {
  const compact: Intl.NumberFormatOptions = options.compact ? { notation: 'compact', maximumFractionDigits: 1 } : {};
  try {
    return new Intl.NumberFormat(safeLocale(locale), { style: 'currency', currency, ...compact }).format(toMajor(minor, currency));
  } catch {
    // Not an ISO 4217 code (a source mapped something else): the number with the code as it came, never a broken page.
    const number = new Intl.NumberFormat(safeLocale(locale), { minimumFractionDigits: 2, maximumFractionDigits: 2, ...compact }).format(minor / 100);
    return `${number} ${String(currency)}`;
  }
}

/** The locale as Intl knows it (vCD says `de_DE`), else English. */
export function safeLocale(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale.replace('_', '-')])[0] ?? 'en';
  } catch {
    return 'en';
  }
}
