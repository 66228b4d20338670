import { HttpClient } from '@angular/common/http';
import { LOCALE_ID, Provider, inject } from '@angular/core';
import { MessageFormatTranslationService, TranslationLoader, TranslationService, TranslationSet } from '@vcd/i18n';
import { EXTENSION_ASSET_URL } from '@vcd/sdk/common';
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
 * VMware's translation service (@vcd/i18n, ICU MessageFormat) with the bundled i18n.json registered up front,
 * so text never waits on the network, then the published i18n.json from EXTENSION_ASSET_URL merged on top
 * (the @vcd/i18n convention: `{EXTENSION_ASSET_URL}/../i18n.json`), so a provider can fix a text without a rebuild.
 */
export function createTranslationService(options: {
  portalLocale: string | null | undefined;
  translations: TranslationSet;
  assetUrl?: string | null;
  http?: HttpClient | null;
}): TranslationService {
  const locale = pickLocale(options.portalLocale, Object.keys(options.translations));
  const service = new MessageFormatTranslationService(locale, FALLBACK_LOCALE);
  service.registerTranslations(options.translations);
  if (options.assetUrl && options.http) {
    new TranslationLoader(options.http, options.assetUrl)
      .getCombinedTranslation()
      .subscribe((published) => {
        if (published && typeof published === 'object' && Object.keys(published).length > 0) service.registerTranslations(published);
      });
  }
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
          assetUrl: inject(EXTENSION_ASSET_URL, { optional: true }),
          http: inject(HttpClient, { optional: true }),
        }),
    },
  ];
}
