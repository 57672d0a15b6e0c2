import { Injectable } from '@nestjs/common';
import { NotFoundError, RequestContext, ValidationError } from '@campus/core';
import { Db, pgConstraint, pgErrorCode, SqlParams } from '@campus/database';
import { AddressLimitError } from './auth.errors';
import { CreateAddressDto, MAX_ADDRESSES, UpdateAddressDto } from './dto/address.dto';

export interface AddressView {
  id: string;
  label: string | null;
  campusId: string;
  building: string;
  room: string;
  recipientName: string | null;
  phone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What an order keeps of a saved address: its campus and the text frozen at placement. */
export interface ResolvedAddress {
  campusId: string;
  text: string;
}

const COLUMNS = `id, label, campus_id AS "campusId", building, room, recipient_name AS "recipientName", phone,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** "Building 5, 302 · Li Lei · +8613800138000": the address as an order keeps it. */
export function addressText(a: Pick<AddressView, 'building' | 'room' | 'recipientName' | 'phone'>): string {
  return [`${a.building}, ${a.room}`, a.recipientName, a.phone].filter(Boolean).join(' · ');
}

/**
 * A customer's address book: at most MAX_ADDRESSES saved delivery addresses, each visible to its
 * owner only (another customer's id answers 404). The database refuses an eleventh address and an
 * unknown campus, so two concurrent saves cannot exceed the limit.
 */
@Injectable()
export class AddressesService {
  constructor(private readonly db: Db) {}

  list(ctx: RequestContext): Promise<AddressView[]> {
    return this.db.query<AddressView>(
      ctx,
      `SELECT ${COLUMNS} FROM customer_addresses WHERE customer_id = $1 ORDER BY created_at, id`,
      [this.owner(ctx)],
    );
  }

  async get(ctx: RequestContext, id: string): Promise<AddressView> {
    const rows = await this.db.query<AddressView>(
      ctx,
      `SELECT ${COLUMNS} FROM customer_addresses WHERE id = $1 AND customer_id = $2`,
      [id, this.owner(ctx)],
    );
    if (!rows[0]) throw new NotFoundError('address', id);
    return rows[0];
  }

  async create(ctx: RequestContext, dto: CreateAddressDto): Promise<AddressView> {
    const rows = await this.write(() =>
      this.db.query<AddressView>(
        ctx,
        `INSERT INTO customer_addresses (customer_id, label, campus_id, building, room, recipient_name, phone)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [
          this.owner(ctx),
          dto.label ?? null,
          dto.campusId,
          dto.building,
          dto.room,
          dto.recipientName ?? null,
          dto.phone ?? null,
        ],
      ),
    );
    return rows[0];
  }

  async update(ctx: RequestContext, id: string, dto: UpdateAddressDto): Promise<AddressView> {
    const cleared = (['campusId', 'building', 'room'] as const).filter((f) => dto[f] === null);
    if (cleared.length) {
      throw new ValidationError(cleared.map((field) => ({ field, message: 'cannot be cleared' })));
    }
    const sets: string[] = [];
    const params = new SqlParams([id, this.owner(ctx)]);
    const columns = {
      label: 'label',
      campusId: 'campus_id',
      building: 'building',
      room: 'room',
      recipientName: 'recipient_name',
      phone: 'phone',
    } as const;
    for (const [field, column] of Object.entries(columns)) {
      const value = dto[field as keyof UpdateAddressDto];
      if (value === undefined) continue;
      sets.push(`${column} = ${params.add(value)}`);
    }
    if (sets.length === 0) return this.get(ctx, id);
    const rows = await this.write(() =>
      this.db.query<AddressView>(
        ctx,
        `UPDATE customer_addresses SET ${sets.join(', ')}, updated_at = now()
          WHERE id = $1 AND customer_id = $2 RETURNING ${COLUMNS}`,
        params.values,
      ),
    );
    if (!rows[0]) throw new NotFoundError('address', id);
    return rows[0];
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    const rows = await this.db.query(
      ctx,
      `DELETE FROM customer_addresses WHERE id = $1 AND customer_id = $2 RETURNING id`,
      [id, this.owner(ctx)],
    );
    if (!rows[0]) throw new NotFoundError('address', id);
  }

  /**
   * A saved address of the calling customer, as an order freezes it (campus + text); 404 for
   * anyone else's address, or for a caller without an address book.
   */
  async resolveForOrder(ctx: RequestContext, id: string): Promise<ResolvedAddress> {
    if (ctx.principal.kind !== 'customer') throw new NotFoundError('address', id);
    const a = await this.get(ctx, id);
    return { campusId: a.campusId, text: addressText(a) };
  }

  private owner(ctx: RequestContext): string {
    if (ctx.principal.kind !== 'customer') throw new NotFoundError('address book');
    return ctx.principal.id;
  }

  /** Maps the database's refusals (the limit, an unknown campus) to answers that name the cause. */
  private async write<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const constraint = pgConstraint(err);
      if (constraint === 'customer_addresses_limit') throw new AddressLimitError(MAX_ADDRESSES);
      if (pgErrorCode(err) === '23503' && constraint === 'customer_addresses_campus_id_fkey') {
        throw ValidationError.field('campusId', 'is not a known campus');
      }
      throw err;
    }
  }
}
