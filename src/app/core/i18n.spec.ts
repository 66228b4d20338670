import { TranslationSet } from '@vcd/i18n';
import translations from '../../../i18n.json';
import { createTranslationService, pickLocale } from './i18n';

const set = translations as TranslationSet;
const SAMPLE_PARAMS = [{ 0: 3, line: 2, column: 7, message: 'Unexpected token', name: 'hello', url: '/api/org/acme/hello' }];

describe('i18n.json', () => {
  it('has English and German with exactly the same keys, all namespaced under "serverless."', () => {
    const english = Object.keys(set['en']).sort();
    expect(english.length).toBeGreaterThan(0);
    expect(Object.keys(set['de']).sort()).toEqual(english);
    expect(english.filter((key) => !key.startsWith('serverless.'))).toEqual([]);
  });

  for (const locale of ['en', 'de']) {
    it(`formats every ${locale} message without a missing key or a syntax error`, () => {
      const service = createTranslationService({ portalLocale: locale, translations: set });
      for (const key of Object.keys(set[locale])) {
        const text = service.translate(key, SAMPLE_PARAMS);
        expect(text).withContext(key).not.toMatch(/^\?/);
        expect(text).withContext(key).not.toMatch(/\{\w+\}/);
      }
    });
  }

  it("uses the portal's language, German for de-DE and English for a language it does not have", () => {
    expect(pickLocale('de-DE', ['en', 'de'])).toBe('de');
    expect(pickLocale('fr', ['en', 'de'])).toBe('en');
    expect(pickLocale(undefined, ['en', 'de'])).toBe('en');
    const german = createTranslationService({ portalLocale: 'de-DE', translations: set });
    expect(german.translate('serverless.functions.list.title')).toBe('Funktionen');
    expect(german.translate('serverless.functions.list.count', [1])).toBe('1 Funktion');
  });
});
