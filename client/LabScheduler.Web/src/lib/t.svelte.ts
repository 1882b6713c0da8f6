// Reactive translation: components call t('ns:key') and re-render on language change.
import { i18n } from './i18n';

let version = $state(0);
i18n.on('languageChanged', () => { version++; });

export function t(key: string, options?: Record<string, unknown>): string {
  void version;
  return (options ? i18n.t(key, options as never) : i18n.t(key)) as string;
}

export function lang(): string {
  void version;
  return i18n.language;
}
