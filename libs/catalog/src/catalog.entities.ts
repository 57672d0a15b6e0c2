import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('products')
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  sku: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'integer' })
  priceCents: number;

  @Column({ type: 'boolean' })
  requiresInstallation: boolean;

  @Column({ type: 'integer' })
  installFeeCents: number;

  @Column({ type: 'boolean' })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** On hand and reserved units of one product. available = onHand − reserved; never negative. */
@Entity('stock')
export class Stock {
  @PrimaryColumn('uuid')
  productId: string;

  @Column({ type: 'integer' })
  onHand: number;

  @Column({ type: 'integer' })
  reserved: number;

  @Column({ type: 'integer' })
  lowStockThreshold: number;

  @Column({ type: 'boolean' })
  lowAlertOpen: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
