import i18n from '../i18n';
import { deskResources } from './desk';

// Imported by the staff console's chunk only: its strings arrive with it, not with the shop.
for (const lang of ['zh-CN', 'en'] as const) {
  i18n.addResourceBundle(lang, 'translation', deskResources[lang], true, false);
}
