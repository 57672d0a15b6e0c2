import { useCallback, useSyncExternalStore } from 'react';
import { readSession, type Session } from '../auth/session';
import { EMPTY_CART, parseCart, type Cart } from './cart';

/**
 * What the shop keeps on the device: the campus (localStorage: remembered across visits), the cart
 * (localStorage: survives a reload and a closed tab), and the agent's share-link code (sessionStorage:
 * this visit only, so a link followed once does not attribute every later order).
 */
const CAMPUS_KEY = 'campus.shop.campus';
const CART_KEY = 'campus.shop.cart';
const AGENT_KEY = 'campus.shop.agent';

export interface ChosenCampus {
  id: string;
  name: string;
}

type Listener = () => void;

/** A value in Web Storage that components subscribe to; other tabs' writes arrive too. */
class Stored<T> {
  private listeners = new Set<Listener>();
  private cache: { raw: string | null; value: T } | null = null;

  constructor(
    private readonly storage: () => Storage,
    private readonly key: string,
    private readonly parse: (raw: string | null) => T,
  ) {
    window.addEventListener('storage', (e) => {
      if (e.key === this.key) this.emit();
    });
  }

  get = (): T => {
    const raw = this.storage().getItem(this.key);
    if (!this.cache || this.cache.raw !== raw) this.cache = { raw, value: this.parse(raw) };
    return this.cache.value;
  };

  set(value: T | null): void {
    if (value === null) this.storage().removeItem(this.key);
    else this.storage().setItem(this.key, JSON.stringify(value));
    this.emit();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

function parseCampus(raw: string | null): ChosenCampus | null {
  try {
    const v = raw ? (JSON.parse(raw) as ChosenCampus) : null;
    return v && typeof v.id === 'string' && typeof v.name === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** A referral code as agents write it on a poster: letters, digits, "_" or "-"; stored upper-case. */
export function normalizeAgentCode(code: string | null | undefined): string | null {
  const c = (code ?? '').trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9_-]{0,31}$/.test(c) ? c : null;
}

export const campusStore = new Stored<ChosenCampus | null>(
  () => window.localStorage,
  CAMPUS_KEY,
  parseCampus,
);
export const cartStore = new Stored<Cart>(
  () => window.localStorage,
  CART_KEY,
  (raw) => (raw ? parseCart(raw) : EMPTY_CART),
);
export const agentStore = new Stored<string | null>(
  () => window.sessionStorage,
  AGENT_KEY,
  (raw) => {
    try {
      return normalizeAgentCode(raw ? (JSON.parse(raw) as string) : null);
    } catch {
      return null;
    }
  },
);

function useStored<T>(store: Stored<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}

export function useCampus(): [ChosenCampus | null, (c: ChosenCampus | null) => void] {
  return [useStored(campusStore), useCallback((c: ChosenCampus | null) => campusStore.set(c), [])];
}

export function useCart(): [Cart, (c: Cart) => void] {
  return [useStored(cartStore), useCallback((c: Cart) => cartStore.set(c.lines.length ? c : null), [])];
}

export function useAgentCode(): [string | null, (c: string | null) => void] {
  return [
    useStored(agentStore),
    useCallback((c: string | null) => agentStore.set(normalizeAgentCode(c)), []),
  ];
}

/** The signed-in customer (the console's session, kept per tab); staff sessions do not count here. */
const sessionListeners = new Set<Listener>();
let sessionCache: { raw: string | null; value: Session | null } | null = null;

export function notifySessionChanged(): void {
  for (const l of sessionListeners) l();
}

function customerSession(): Session | null {
  const raw = window.sessionStorage.getItem('campus.session');
  if (!sessionCache || sessionCache.raw !== raw) {
    const s = readSession();
    sessionCache = { raw, value: s?.role === 'customer' ? s : null };
  }
  return sessionCache.value;
}

export function useCustomer(): Session | null {
  return useSyncExternalStore((l) => {
    sessionListeners.add(l);
    return () => sessionListeners.delete(l);
  }, customerSession);
}
