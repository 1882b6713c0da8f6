// i18next with every language bundled (nothing fetched at run time). Translations live in
// src/i18n/<language>/<area>.json; each file is one namespace (common, researcher, manager,
// admin, problems...). A new area adds its files and nothing else.
import i18next from 'i18next';
import { isRtl, type Language } from './format';

const files = import.meta.glob('../i18n/*/*.json', { eager: true, import: 'default' }) as Record<string, Record<string, unknown>>;
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, data] of Object.entries(files)) {
  const [, language, ns] = /\/i18n\/([^/]+)\/([^/]+)\.json$/.exec(path)!;
  (resources[language] ??= {})[ns] = data;
}
export const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];

export const i18n = i18next.createInstance();
await i18n.init({
  resources, lng: 'en', fallbackLng: 'en', ns: namespaces, defaultNS: 'common',
  interpolation: { escapeValue: false }, returnNull: false,
});

export function applyLanguage(language: Language | string) {
  void i18n.changeLanguage(language);
  document.documentElement.lang = language;
  document.documentElement.dir = isRtl(language) ? 'rtl' : 'ltr';
}

/** A problem's translated message; the code itself when no translation exists. */
export function problemText(p: { code: string; detail?: string }): string {
  const key = `problems:${p.code}`;
  return i18n.exists(key) ? i18n.t(key) : (p.detail ?? p.code);
}
