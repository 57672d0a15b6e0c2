import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One line of an order; price and name are frozen at order time. */
@Entity('order_lines')
export class OrderLine {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  orderId: string;

  @Column({ type: 'smallint' })
  lineNo: number;

  @Column({ type: 'uuid' })
  productId: string;

  @Column({ type: 'text' })
  sku: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'integer' })
  unitPriceCents: number;

  @Column({ type: 'bigint' })
  lineTotalCents: string;

  @Column({ type: 'boolean' })
  requiresInstallation: boolean;

  @Column({ type: 'integer' })
  installFeeCents: number;

  /** Units that came back in received returns (after-sales). */
  @Column({ type: 'integer', default: 0 })
  returnedQuantity: number;
}
