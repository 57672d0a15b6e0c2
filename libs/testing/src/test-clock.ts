import { Clock } from '@campus/core';

/** A clock tests move forward instead of sleeping (timers become due when the clock passes them). */
export class TestClock extends Clock {
  private offsetMs = 0;
  private readonly listeners = new Set<() => void>();

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
    for (const l of this.listeners) l();
  }

  override onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}
