import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { resources } from './locales';

export type Language = 'zh-CN' | 'en';
const KEY = 'campus.language';

export function storedLanguage(): Language {
  return window.localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
}

void i18n.use(initReactI18next).init({
  resources,
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function setLanguage(lang: Language): void {
  window.localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export default i18n;
