import { SnakeNamingStrategy } from './naming.strategy';

describe('SnakeNamingStrategy', () => {
  const sut = new SnakeNamingStrategy();

  it('maps camelCase properties to snake_case columns', () => {
    expect(sut.columnName('totalCents', undefined, [])).toBe('total_cents');
    expect(sut.columnName('pickupPointId', undefined, [])).toBe('pickup_point_id');
    expect(sut.columnName('onHand', undefined, ['stock'])).toBe('stock_on_hand');
    expect(sut.tableName('OrderLine', undefined)).toBe('order_line');
    expect(sut.tableName('OrderLine', 'order_lines')).toBe('order_lines');
  });
});
