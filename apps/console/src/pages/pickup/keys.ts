import { shanghaiDay } from '../../lib/time';

/** The pickup desk's and the cash-ups' server data, one key per answer. */
export const pickupKeys = {
  parcels: (pointId: string) => ['pickup', pointId, 'parcels'] as const,
  cashUp: (pointId: string, day: string) => ['cash-up', pointId, day] as const,
  cashUps: (filters: object) => ['cash-ups', filters] as const,
};

export { shanghaiDay };
