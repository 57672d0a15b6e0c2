/** Whether a return may still be asked for: within `days` days (24 h each) of delivery. */
export function withinReturnWindow(deliveredAt: Date, now: Date, days: number): boolean {
  return now.getTime() <= deliveredAt.getTime() + days * 86_400_000;
}
