import { fittingSizes } from './compartment-policy';

describe('fittingSizes', () => {
  it('prefers the requested size, then the next larger ones', () => {
    expect(fittingSizes('S')).toEqual(['S', 'M', 'L']);
    expect(fittingSizes('M')).toEqual(['M', 'L']);
    expect(fittingSizes('L')).toEqual(['L']);
  });

  it('starts from the smallest when no size is given', () => {
    expect(fittingSizes()).toEqual(['S', 'M', 'L']);
  });
});
