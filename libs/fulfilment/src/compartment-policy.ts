import { COMPARTMENT_SIZES, CompartmentSize } from '@campus/network';

/**
 * The compartment sizes a parcel of `requested` size may go into, best first: the requested size,
 * then each larger one (S < M < L). Without a size the parcel is taken to be small, so the smallest
 * free compartment wins.
 */
export function fittingSizes(requested: CompartmentSize = 'S'): CompartmentSize[] {
  return COMPARTMENT_SIZES.slice(COMPARTMENT_SIZES.indexOf(requested));
}
