import { LOCALE_ID, Provider, inject } from '@angular/core';
import { MessageFormatTranslationService, TranslationService, TranslationSet } from '@vcd/i18n';
import bundledTranslations from '../../../i18n.json';

export const FALLBACK_LOCALE = 'en';

/** The locale of i18n.json to use for the portal's locale: exact match ("de"), else its language ("de-DE" → "de"), else English. */
export function pickLocale(portalLocale: string | null | undefined, available: string[]): string {
  const wanted = (portalLocale ?? '').replace('_', '-');
  if (available.includes(wanted)) return wanted;
  const language = wanted.split('-')[0].toLowerCase();
  return available.includes(language) ? language : FALLBACK_LOCALE;
}

/**
 * VMware's translation service (@vcd/i18n, ICU MessageFormat) over i18n.json. The file is bundled rather than
 * fetched from EXTENSION_ASSET_URL: it is the same file the zip carries, text never waits on the network, and
 * hosts disagree on where the asset URL points (@vcd/i18n expects i18n.json one level above it).
 */
export function createTranslationService(options: { portalLocale: string | null | undefined; translations: TranslationSet }): TranslationService {
  const locale = pickLocale(options.portalLocale, Object.keys(options.translations));
  const service = new MessageFormatTranslationService(locale, FALLBACK_LOCALE);
  service.registerTranslations(options.translations);
  return service;
}

export function provideTranslations(): Provider[] {
  return [
    {
      provide: TranslationService,
      useFactory: () =>
        createTranslationService({
          portalLocale: inject(LOCALE_ID, { optional: true }),
          translations: bundledTranslations as TranslationSet,
        }),
    },
  ];
}
