import { en } from './en';
import type { AreaBundle } from './shape';
import { zhCN } from './zh-CN';

// Every area bundle of ./areas, merged under its own top-level keys (Vite and Vitest both expand this).
const areas = import.meta.glob<{ bundle: AreaBundle<object> }>('./areas/*.ts', { eager: true });

function merged(lang: 'en' | 'zh-CN', base: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [file, mod] of Object.entries(areas)) {
    for (const [key, value] of Object.entries(mod.bundle[lang])) {
      if (key in out) throw new Error(`${file}: the key "${key}" is already defined`);
      out[key] = value;
    }
  }
  return out;
}

/** The i18next resources of both languages: the base bundles plus every area's. */
export const resources = {
  'zh-CN': { translation: merged('zh-CN', zhCN) },
  en: { translation: merged('en', en) },
};
