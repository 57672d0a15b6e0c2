/** The same keys as the English bundle, every leaf a string: a missing or extra key is a type error. */
export type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** One area's strings (the shop, the admin console, …) in both languages, under its own top-level key. */
export interface AreaBundle<T extends object> {
  en: T;
  'zh-CN': Shape<T>;
}

export function areaBundle<T extends object>(en: T, zhCN: Shape<T>): AreaBundle<T> {
  return { en, 'zh-CN': zhCN };
}
