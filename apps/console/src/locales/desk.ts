import type { AreaBundle } from './shape';
import { mergeAreas } from './index';

const desk = import.meta.glob<{ bundle: AreaBundle<object> }>('./areas/desk/*.ts', { eager: true });

/** The staff console's areas (admin, desks, payments, …), per language, to add to the shared ones. */
export const deskResources = {
  'zh-CN': mergeAreas('zh-CN', {}, desk),
  en: mergeAreas('en', {}, desk),
};
