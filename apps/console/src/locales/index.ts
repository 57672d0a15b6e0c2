import { en } from './en';
import type { AreaBundle } from './shape';
import { zhCN } from './zh-CN';

type Areas = Record<string, { bundle: AreaBundle<object> }>;

// The areas every layout needs (the shop's, the problems'), merged under their own top-level keys.
// The staff console's own areas live in ./areas/desk and load with its chunk (see ./desk.ts), so the
// shop's first screen does not carry the desks' strings.
const shared: Areas = import.meta.glob<{ bundle: AreaBundle<object> }>('./areas/*.ts', { eager: true });

/** The base bundle of `lang` with every area of `areas` merged in (a key defined twice is an error). */
export function mergeAreas(lang: 'en' | 'zh-CN', base: object, areas: Areas): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [file, mod] of Object.entries(areas)) {
    for (const [key, value] of Object.entries(mod.bundle[lang])) {
      if (key in out) throw new Error(`${file}: the key "${key}" is already defined`);
      out[key] = value;
    }
  }
  return out;
}

/** The i18next resources every layout starts with: the base bundles plus the shared areas. */
export const resources = {
  'zh-CN': { translation: mergeAreas('zh-CN', zhCN, shared) },
  en: { translation: mergeAreas('en', en, shared) },
};
