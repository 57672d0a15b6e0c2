-- pgbench: the writes of one order in one transaction, exactly as bench/baseline.ts does them (order
-- row, 2 lines, order event, outbox row, and last the stock reservation with the availability check
-- for both SKUs, hot rows locked in product-id order). Run by bench/pipeline.ts:
--   pgbench -n -M prepared -f bench/order.pgbench.sql -D customer_id=… -D region_id=… -D campus_id=…
--           -D point_id=… -D product_a=… -D product_b=… (product_a < product_b)
BEGIN;
INSERT INTO orders (id, number, channel, status, customer_id, customer_phone, region_id, campus_id,
    fulfilment_type, pickup_point_id, payment_method, subtotal_cents, total_cents, created_by_id, created_by_role)
  VALUES (gen_random_uuid(), 'G' || nextval('order_number_seq'), 'phone', 'confirmed', :customer_id::uuid,
    '+8613800138000', :region_id::uuid, :campus_id::uuid, 'locker', :point_id::uuid, 'cod', 4400, 4400,
    :customer_id::uuid, 'call_center')
  RETURNING id AS order_id \gset
INSERT INTO order_lines (order_id, line_no, product_id, sku, name, quantity, list_price_cents, unit_price_cents,
    line_total_cents)
  VALUES (:order_id::uuid, 1, :product_a::uuid, 'BENCH-A', 'A', 1, 3900, 3900, 3900),
         (:order_id::uuid, 2, :product_b::uuid, 'BENCH-B', 'B', 1, 500, 500, 500);
INSERT INTO order_events (order_id, type, to_status, actor_id, actor_role, channel, data)
  VALUES (:order_id::uuid, 'placed', 'confirmed', :customer_id::uuid, 'call_center', 'phone', '{"totalCents": 4400}');
INSERT INTO outbox (event_type, aggregate_id, payload)
  VALUES ('order.placed', :order_id::uuid, jsonb_build_object('orderId', :order_id::text, 'totalCents', 4400));
WITH locked AS (
  SELECT product_id FROM stock WHERE product_id IN (:product_a::uuid, :product_b::uuid) ORDER BY product_id FOR UPDATE
)
UPDATE stock s SET reserved = s.reserved + 1, updated_at = now()
  FROM locked l WHERE s.product_id = l.product_id AND s.on_hand - s.reserved >= 1;
COMMIT;
