/**
 * Phone numbers as staff type them: "138 0013 8000", "13800138000", "+86 138-0013-8000",
 * "008613800138000". Mainland mobile numbers without a country code are +86. The API accepts
 * these forms too and answers in E.164; the console normalises so it can show what it searches for.
 */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(/[\s\-().]/g, '');
  if (/^\+[1-9]\d{6,14}$/.test(compact)) return compact;
  if (/^00[1-9]\d{6,14}$/.test(compact)) return `+${compact.slice(2)}`;
  if (/^1\d{10}$/.test(compact)) return `+86${compact}`;
  if (/^861\d{10}$/.test(compact)) return `+${compact}`;
  return null;
}
