import { Injectable } from '@nestjs/common';
import { AuditService } from '@campus/audit';
import {
  AppConfig,
  Clock,
  InjectConfig,
  maskPhone,
  NotFoundError,
  RequestContext,
  ValidationError,
} from '@campus/core';
import { Db } from '@campus/database';
import { CompartmentRef, CompartmentRepository, CompartmentSize, NetworkService } from '@campus/network';
import { orderStateMachine, OrderService, OrderView } from '@campus/orders';
import { event } from '@campus/queue';
import {
  MAX_CODE_RESENDS_PER_DAY,
  resendsLeftToday,
  secondsUntilNextShanghaiDay,
  shanghaiDay,
} from './cash-up-policy';
import { checkCod } from './cod-policy';
import { CodLedgerService } from './cod-ledger.service';
import { fittingSizes } from './compartment-policy';
import {
  CodeResendLimitError,
  CodPayAtCounterError,
  ParcelNotWaitingError,
  NoFreeCompartmentError,
  PickupLockedError,
  WrongFulfilmentError,
  WrongPickupCodeError,
  WrongPickupPointError,
} from './fulfilment.errors';
import { parcelTimers } from './parcel-schedule';
import { ParcelTexts } from './parcel-texts.service';
import { HeldParcelRow, ParcelRepository } from './parcel.repository';
import {
  CodeResentView,
  depositedParcel,
  ParcelView,
  PickedUp,
  PickupPlace,
  placeName,
  toLockerParcelView,
  toWaitingParcelView,
  WaitingParcelView,
  whereOf,
} from './parcel.views';
import { PickupCodes } from './pickup-codes.service';
import { PickupLockouts } from './pickup-lockouts.service';

export type { CodeResentView, ParcelView, PickedUp, PickupPlace, WaitingParcelView } from './parcel.views';

/**
 * Parcels waiting at a pickup point: deposit into a locker compartment (or at the counter) with a
 * texted one-time code, pickup with that code, replacement codes (reminders and expiry: ParcelTimers). Compartments are allocated with
 * FOR UPDATE SKIP LOCKED, so concurrent deposits never share one; the parcels table's unique indexes
 * (one held parcel per order and per compartment) are the last line of defence.
 */
@Injectable()
export class ParcelService {
  constructor(
    private readonly db: Db,
    private readonly parcels: ParcelRepository,
    private readonly orders: OrderService,
    private readonly network: NetworkService,
    private readonly compartments: CompartmentRepository,
    private readonly codes: PickupCodes,
    private readonly texts: ParcelTexts,
    private readonly cod: CodLedgerService,
    private readonly lockouts: PickupLockouts,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Leaves an out-for-delivery order at its pickup point. Locker orders get the smallest free
   * compartment of at least `size` in `lockerId` (409 when none); counter orders wait at the counter
   * (the assigned agent hands them in, or the counter's staff record receiving them). A 6-digit code
   * is stored hashed and texted to the customer; the reminders and the expiry are outbox timers.
   */
  async deposit(
    ctx: RequestContext,
    orderId: string,
    input: { lockerId?: string; size?: CompartmentSize },
  ): Promise<OrderView & { parcel: ParcelView }> {
    return this.db.transaction(ctx, async (tx) => {
      const order = await this.orders.find(tx, orderId, { lock: true });
      if (!order) throw new NotFoundError('order', orderId);
      const f = order.fulfillment;
      if (ctx.is('agent') && order.assignedAgentId !== ctx.principal.agentId) {
        throw new NotFoundError('order', orderId);
      }
      if (ctx.is('pickup_staff') && f.type !== 'counter') {
        throw new WrongFulfilmentError(f.type, 'be received by pickup staff; its agent fills the locker');
      }
      orderStateMachine.next(order.status, 'deposit');
      if (f.type === 'delivery' || !f.pickupPointId) {
        throw new WrongFulfilmentError(f.type, 'be deposited; deliver it at the door');
      }

      let locker: { id: string; code: string } | null = null;
      let compartment: CompartmentRef | null = null;
      if (f.type === 'locker') {
        if (!input.lockerId) throw ValidationError.field('lockerId', 'is required for locker orders');
        const found = await this.network.getLocker(tx, input.lockerId);
        if (found.pickupPointId !== f.pickupPointId) {
          throw new WrongPickupPointError(f.pickupPointId, found.pickupPointId);
        }
        locker = { id: found.id, code: found.code };
        const sizes = fittingSizes(input.size);
        compartment = await this.compartments.allocate(tx, locker.id, sizes, orderId);
        if (!compartment) throw new NoFreeCompartmentError(locker.id, sizes);
      } else if (input.lockerId || input.size) {
        throw ValidationError.field(
          input.lockerId ? 'lockerId' : 'size',
          'counter orders wait at the counter',
        );
      }

      const pointName = await this.parcels.pointName(tx, f.pickupPointId);
      const depositedAt = this.clock.now();
      const timers = parcelTimers(depositedAt, this.config.lockerHoldHours, this.config.lockerHourMs);
      const expiresAt = timers[timers.length - 1].at;
      const { parcelId, code } = await this.codes.issue(tx, locker?.id ?? f.pickupPointId, {
        orderId,
        pickupPointId: f.pickupPointId,
        lockerId: locker?.id ?? null,
        compartmentId: compartment?.id ?? null,
        size: compartment?.size ?? null,
        depositedAt,
        expiresAt,
      });
      const deposited = depositedParcel({
        parcelId,
        orderId,
        orderNumber: order.number,
        pickupPointId: f.pickupPointId,
        locker,
        compartment,
        depositedAt,
        expiresAt,
      });
      const moved = await this.orders.transition(tx, orderId, 'deposit', {
        data: deposited.data,
        events: () =>
          timers.map((t) =>
            event(
              'parcel.timer',
              { parcelId, orderId, kind: t.kind, hour: t.hour },
              { aggregateId: orderId, availableAt: t.at },
            ),
          ),
      });
      await this.texts.pickupCode(tx, order, {
        place: placeName(pointName, locker?.code ?? null, compartment?.label ?? null),
        code,
        until: expiresAt,
        dedupeKey: `pickup_code:${parcelId}`,
      });
      return {
        ...moved,
        compartment: compartment ? { id: compartment.id, label: compartment.label } : null,
        parcel: deposited.view,
      };
    });
  }

  /**
   * Collects a parcel with its code: at a locker (the point's pickup staff, or the customer) or at a
   * counter (its staff). The right code releases the compartment and delivers the order; a wrong one
   * is 422, and the fifth wrong try in a row locks further tries for 15 minutes (429) — for the
   * parcels of `phone` when staff give it, else for this caller at this place. A customer's `phone` is
   * ignored: they can only open their own parcels, and their wrong tries lock only themselves (a
   * customer naming someone else's number must not lock that person out). COD parcels are paid to the
   * pickup staff (`codCollectedCents`), so customers cannot self-collect them.
   */
  async pickup(
    ctx: RequestContext,
    place: PickupPlace,
    input: { code: string; phone?: string; codCollectedCents?: number },
  ): Promise<PickedUp> {
    const placeId = await this.resolvePlace(ctx, place);
    if (ctx.is('customer')) input = { ...input, phone: undefined };
    const subject = input.phone ? `phone:${input.phone}` : `caller:${ctx.actorId}`;
    type Outcome =
      | { kind: 'locked'; seconds: number }
      | { kind: 'wrong'; triesLeft: number }
      | { kind: 'collected'; order: PickedUp };
    const outcome = await this.db.transaction(ctx, async (tx): Promise<Outcome> => {
      const gate = await this.lockouts.check(tx, placeId, subject);
      if (gate.lockedForSeconds) return { kind: 'locked', seconds: gate.lockedForSeconds };
      // The held parcel this code opens here, limited to the named phone's or the calling customer's.
      const parcel = await this.parcels.lockHeldByCode(tx, {
        atLocker: place.kind === 'locker',
        placeId,
        codeHash: this.codes.hash(placeId, input.code),
        customerPhone: input.phone,
        customerId: tx.is('customer') ? tx.actorId : undefined,
      });
      if (!parcel) return { kind: 'wrong', ...(await this.lockouts.fail(tx, placeId, subject)) };
      await this.lockouts.clear(tx, placeId, subject);
      return { kind: 'collected', order: await this.collect(tx, parcel, input.codCollectedCents) };
    });
    // The wrong-try counter must be committed, so errors are thrown after the transaction.
    if (outcome.kind === 'locked') throw new PickupLockedError(outcome.seconds);
    if (outcome.kind === 'wrong') throw new WrongPickupCodeError(outcome.triesLeft);
    return outcome.order;
  }

  /**
   * Replaces a waiting parcel's pickup code and texts the new one (the old hash is overwritten, so
   * the old code stops opening anything). For the point's pickup staff, the call centre and the
   * customer who owns the order; anyone else's parcel is 404. At most MAX_CODE_RESENDS_PER_DAY a
   * Shanghai day per parcel (429 `code_resend_limit` with Retry-After until midnight), counted under
   * the parcel's row lock, so concurrent requests cannot exceed it.
   */
  async resendCode(ctx: RequestContext, orderId: string): Promise<CodeResentView> {
    type Outcome = { kind: 'limited'; retryAfter: number } | { kind: 'sent'; view: CodeResentView };
    const outcome = await this.db.transaction(ctx, async (tx): Promise<Outcome> => {
      const order = await this.orders.find(tx, orderId);
      if (!order) throw new NotFoundError('order', orderId);
      const parcel = await this.parcels.lockHeldOfOrder(tx, orderId);
      if (!parcel) throw new ParcelNotWaitingError(orderId, order.status);
      if (ctx.is('pickup_staff') && parcel.pickup_point_id !== ctx.principal.pickupPointId) {
        throw new NotFoundError('order', orderId);
      }
      const now = this.clock.now();
      const today = shanghaiDay(now);
      const left = resendsLeftToday(parcel.code_resends, parcel.code_resend_day, today);
      if (left === 0) return { kind: 'limited', retryAfter: secondsUntilNextShanghaiDay(now) };
      const used = MAX_CODE_RESENDS_PER_DAY - left + 1;
      const code = await this.codes.replace(tx, parcel, today, used);
      await this.texts.pickupCode(tx, order, {
        place: placeName(parcel.point_name, parcel.locker_code, parcel.label),
        code,
        until: parcel.expires_at,
        dedupeKey: `pickup_code:${parcel.id}:${today}:${used}`,
      });
      await this.orders.note(tx, orderId, 'pickup_code_resent', {
        parcelId: parcel.id,
        resendsToday: used,
        requestedBy: ctx.role,
      });
      if (!ctx.is('customer')) {
        await this.audit.record(tx, {
          action: 'parcel.code_resent',
          entityType: 'parcel',
          entityId: parcel.id,
          regionId: order.regionId,
          before: { resendsToday: used - 1 },
          after: { resendsToday: used, orderNumber: order.number },
        });
      }
      return {
        kind: 'sent',
        view: {
          orderId,
          orderNumber: order.number,
          parcelId: parcel.id,
          sentTo: maskPhone(order.customer.phone),
          resendsLeft: MAX_CODE_RESENDS_PER_DAY - used,
        },
      };
    });
    if (outcome.kind === 'limited') {
      throw new CodeResendLimitError(outcome.retryAfter, MAX_CODE_RESENDS_PER_DAY);
    }
    return outcome.view;
  }

  /**
   * Every parcel waiting at a pickup point — in its lockers and on its counter shelf — oldest first,
   * with what the desk needs: order number, masked phone, compartment, cash to collect. For the
   * point's staff, the region's manager and admins (404 otherwise).
   */
  async listWaiting(ctx: RequestContext, pickupPointId: string): Promise<WaitingParcelView[]> {
    await this.network.pickupPointInScope(ctx, pickupPointId);
    const rows = await this.parcels.waitingAt(ctx, pickupPointId);
    const today = shanghaiDay(this.clock.now());
    return rows.map((r) => toWaitingParcelView(r, today));
  }

  /** Held parcels at a locker (staff of its point, agents of its campus, managers, admins). */
  async listAtLocker(ctx: RequestContext, lockerId: string): Promise<ParcelView[]> {
    await this.network.getLocker(ctx, lockerId);
    const rows = await this.parcels.heldInLocker(ctx, lockerId);
    return rows.map(toLockerParcelView);
  }

  private async collect(
    tx: RequestContext,
    parcel: HeldParcelRow,
    codCollectedCents: number | undefined,
  ): Promise<PickedUp> {
    const order = (await this.orders.find(tx, parcel.order_id))!;
    if (order.paymentMethod === 'cod' && order.paidAt === null && tx.is('customer'))
      throw new CodPayAtCounterError();
    const cash = checkCod({
      paymentMethod: order.paymentMethod,
      paidOnline: order.paidAt !== null,
      totalCents: order.totalCents,
      codCollectedCents,
      mayOverride: false,
    });
    await this.parcels.close(tx, parcel.id, 'collected');
    if (parcel.compartment_id) {
      await this.compartments.release(tx, parcel.compartment_id, parcel.order_id);
    }
    const delivered = await this.orders.transition(tx, parcel.order_id, 'pickup', {
      set: cash.collect ? { codCollectedCents: cash.amountCents } : {},
      data: {
        ...whereOf(parcel),
        collectedBy: tx.role,
        ...(cash.collect ? { codCollectedCents: cash.amountCents } : {}),
      },
    });
    if (cash.collect) {
      await this.cod.record(tx, {
        orderId: order.id,
        holder: { pickupPointId: parcel.pickup_point_id },
        amountCents: cash.amountCents,
        expectedCents: cash.expectedCents,
        overrideReason: null,
      });
    }
    return {
      ...delivered,
      compartment: parcel.compartment_id ? { id: parcel.compartment_id, label: parcel.label! } : null,
    };
  }

  /** The place's id, after checking the caller may collect there (else 404). */
  private async resolvePlace(ctx: RequestContext, place: PickupPlace): Promise<string> {
    if (place.kind === 'locker') {
      const pointId = await this.parcels.pointOfLocker(ctx, place.lockerId);
      if (!pointId) throw new NotFoundError('locker', place.lockerId);
      if (ctx.is('pickup_staff') && pointId !== ctx.principal.pickupPointId) {
        throw new NotFoundError('locker', place.lockerId);
      }
      return place.lockerId;
    }
    if (!ctx.is('pickup_staff') || ctx.principal.pickupPointId !== place.pickupPointId) {
      throw new NotFoundError('pickup point', place.pickupPointId);
    }
    return place.pickupPointId;
  }
}
