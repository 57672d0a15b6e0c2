/**
 * How the shop decides the order's channel: the layout it shows is the decision. A viewport at least
 * DESK_MIN_WIDTH CSS pixels wide gets the desk layout (two columns) and its orders are `web`; a
 * narrower one (a phone) gets the mobile layout and its orders are `wap`. The width is read when the
 * order is placed, so what is recorded is what the customer was looking at.
 */
export const DESK_MIN_WIDTH = 768;

export type ShopChannel = 'web' | 'wap';

export function isDeskWidth(width: number): boolean {
  return width >= DESK_MIN_WIDTH;
}

export function channelFor(width: number): ShopChannel {
  return isDeskWidth(width) ? 'web' : 'wap';
}

/** The media query of the desk layout (the same breakpoint as channelFor). */
export const DESK_MEDIA = `(min-width: ${DESK_MIN_WIDTH}px)`;
