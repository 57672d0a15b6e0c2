import { describe, expect, it } from 'vitest';
import { channelFor, DESK_MEDIA, DESK_MIN_WIDTH, isDeskWidth } from './channel';

describe('channel of a shop order', () => {
  it('is wap from a phone-sized screen and web from a desktop-sized one, at the layout breakpoint', () => {
    expect(channelFor(375)).toBe('wap');
    expect(channelFor(414)).toBe('wap');
    expect(channelFor(DESK_MIN_WIDTH - 1)).toBe('wap');
    expect(channelFor(DESK_MIN_WIDTH)).toBe('web');
    expect(channelFor(1440)).toBe('web');
    expect(isDeskWidth(1024)).toBe(true);
    expect(DESK_MEDIA).toBe(`(min-width: ${DESK_MIN_WIDTH}px)`);
  });
});
