import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig, numericCode, purposeKey, RequestContext } from '@campus/core';
import { HeldParcelRow, NewParcel, ParcelRepository } from './parcel.repository';
import { pickupCodeHash } from './pickup-code';

/**
 * The pickup codes of parcels: drawn at random, unique among the parcels held at one place (a
 * locker, or a counter), stored only as a keyed hash. A code already held at the place is drawn
 * again; the parcels table's unique index is the last word.
 */
@Injectable()
export class PickupCodes {
  constructor(
    private readonly parcels: ParcelRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Inserts the held parcel with a fresh code at `placeId`; returns the parcel and the plain code. */
  async issue(
    tx: RequestContext,
    placeId: string,
    parcel: Omit<NewParcel, 'codeHash'>,
  ): Promise<{ parcelId: string; code: string }> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const code = numericCode(6);
      const parcelId = await this.parcels.insertHeld(tx, { ...parcel, codeHash: this.hash(placeId, code) });
      if (parcelId) return { parcelId, code };
    }
    throw new Error('could not draw an unused pickup code');
  }

  /**
   * Draws a new code for a held parcel and stores its hash with today's resend count (`used`). A
   * concurrent deposit drawing the same code at that moment trips the unique index, which the
   * repository's savepoint turns into one more draw.
   */
  async replace(tx: RequestContext, parcel: HeldParcelRow, today: string, used: number): Promise<string> {
    const placeId = parcel.locker_id ?? parcel.pickup_point_id;
    for (let attempt = 0; attempt < 10; attempt++) {
      const code = numericCode(6);
      const replaced = await this.parcels.replaceCode(tx, {
        parcelId: parcel.id,
        placeId,
        codeHash: this.hash(placeId, code),
        used,
        today,
      });
      if (replaced) return code;
    }
    throw new Error('could not draw an unused pickup code');
  }

  /** The stored form of a pickup code at a place (a keyed hash: codes are never stored). */
  hash(placeId: string, code: string): string {
    return pickupCodeHash(purposeKey(this.config.codesSecret, 'pickup-code'), placeId, code);
  }
}
