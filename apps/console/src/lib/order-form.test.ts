import { describe, expect, it } from 'vitest';
import { OrderFormOptions, OrderFormValues, toPlaceOrderBody, validateOrderForm } from './order-form';

const callCentre: OrderFormOptions = { needsCustomer: true, paymentMethods: ['online', 'cod'] };
const counter: OrderFormOptions = { needsCustomer: false, paymentMethods: ['online', 'cod', 'counter'] };

const valid: OrderFormValues = {
  customer: { phone: '138 0013 8000', name: ' Li Lei ' },
  lines: [{ sku: 'usb-32g', quantity: 2 }],
  fulfillment: { type: 'locker', pickupPointId: 'point-1' },
  paymentMethod: 'cod',
  agentCode: 'ag7k2q',
};

const names = (errors: { name: (string | number)[] }[]) => errors.map((e) => e.name.join('.'));

describe('validateOrderForm', () => {
  it('accepts a complete phone order', () => {
    expect(validateOrderForm(valid, callCentre)).toEqual([]);
  });

  it('names every missing field', () => {
    expect(names(validateOrderForm({ lines: [{}] }, callCentre))).toEqual([
      'customer.phone',
      'lines.0.sku',
      'lines.0.quantity',
      'fulfillment.type',
      'paymentMethod',
    ]);
  });

  it('checks the phone number, quantities and the agent code', () => {
    const errors = validateOrderForm(
      {
        ...valid,
        customer: { phone: '12345' },
        lines: [
          { sku: 'A', quantity: 0 },
          { sku: 'B', quantity: 1.5 },
          { sku: 'C', quantity: 1000 },
        ],
        agentCode: 'bad code!',
      },
      callCentre,
    );
    expect(errors).toEqual([
      { name: ['customer', 'phone'], message: 'validation.phone' },
      { name: ['lines', 0, 'quantity'], message: 'validation.quantity' },
      { name: ['lines', 1, 'quantity'], message: 'validation.quantity' },
      { name: ['lines', 2, 'quantity'], message: 'validation.quantity' },
      { name: ['agentCode'], message: 'validation.agentCode' },
    ]);
  });

  it('asks for what each fulfilment needs', () => {
    expect(names(validateOrderForm({ ...valid, fulfillment: { type: 'delivery' } }, callCentre))).toEqual([
      'fulfillment.campusId',
      'fulfillment.address',
    ]);
    expect(names(validateOrderForm({ ...valid, fulfillment: { type: 'counter' } }, callCentre))).toEqual([
      'fulfillment.pickupPointId',
    ]);
  });

  it('needs at least one line', () => {
    expect(validateOrderForm({ ...valid, lines: [] }, callCentre)).toContainEqual({
      name: ['lines'],
      message: 'validation.noLines',
    });
  });

  it('allows payment at the counter only where the desk may take it', () => {
    expect(names(validateOrderForm({ ...valid, paymentMethod: 'counter' }, callCentre))).toEqual([
      'paymentMethod',
    ]);
    expect(validateOrderForm({ ...valid, customer: undefined, paymentMethod: 'counter' }, counter)).toEqual(
      [],
    );
  });
});

describe('toPlaceOrderBody', () => {
  it('builds the API body: E.164 phone, upper-case SKUs and code, trimmed text', () => {
    expect(toPlaceOrderBody(valid, callCentre)).toEqual({
      customer: { phone: '+8613800138000', name: 'Li Lei' },
      lines: [{ sku: 'USB-32G', quantity: 2 }],
      fulfillment: { type: 'locker', pickupPointId: 'point-1' },
      paymentMethod: 'cod',
      agentCode: 'AG7K2Q',
    });
  });

  it('sends only the fields the fulfilment uses, and no customer block from a counter', () => {
    const body = toPlaceOrderBody(
      {
        ...valid,
        fulfillment: { type: 'delivery', campusId: 'campus-1', address: ' Dorm 5 ', pickupPointId: 'stale' },
        agentCode: '',
      },
      counter,
    );
    expect(body).toEqual({
      lines: [{ sku: 'USB-32G', quantity: 2 }],
      fulfillment: { type: 'delivery', campusId: 'campus-1', address: 'Dorm 5' },
      paymentMethod: 'cod',
    });
  });
});

describe('coupon codes on the desk order form', () => {
  it('sends a coupon code upper-cased and trimmed, and leaves it out when blank', () => {
    expect(toPlaceOrderBody({ ...valid, couponCode: ' welcome10 ' }, callCentre)).toMatchObject({
      couponCode: 'WELCOME10',
    });
    expect(toPlaceOrderBody({ ...valid, couponCode: '  ' }, callCentre)).not.toHaveProperty('couponCode');
  });

  it('names a malformed coupon code', () => {
    expect(names(validateOrderForm({ ...valid, couponCode: 'a!' }, callCentre))).toEqual(['couponCode']);
  });
});
