import { InitialSchema1764086400000 } from './1764086400000-initial-schema';
import { PaymentsAndDeliveryReports1764100000000 } from './1764100000000-payments-and-delivery-reports';
import { Fulfilment1764200000000 } from './1764200000000-fulfilment';
import { SmsChannel1764300000000 } from './1764300000000-sms-channel';
import { Tasks1764400000000 } from './1764400000000-tasks';
import { Commissions1764500000000 } from './1764500000000-commissions';
import { Reports1764600000000 } from './1764600000000-reports';
import { StockShortfall1764700000000 } from './1764700000000-stock-shortfall';
import { Audit1764800000000 } from './1764800000000-audit';
import { MoneyLedger1765000000000 } from './1765000000000-money-ledger';
import { PaymentAttempts1765000100000 } from './1765000100000-payment-attempts';
import { ShopAddresses1765100000000 } from './1765100000000-shop-addresses';
import { Desks1765200000000 } from './1765200000000-desks';
import { AdminConsole1765300000000 } from './1765300000000-admin-console';
import { CodesAtRest1765400000000 } from './1765400000000-codes-at-rest';
import { SettlementWatermarks1765410000000 } from './1765410000000-settlement-watermarks';
import { OtpBudget1765420000000 } from './1765420000000-otp-budget';
import { OrderAbuseLimits1765430000000 } from './1765430000000-order-abuse-limits';
import { SuspendedStaff1765440000000 } from './1765440000000-suspended-staff';
import { Pricing1765700000000 } from './1765700000000-pricing';
import { TaskKinds1765750000000 } from './1765750000000-task-kinds';
import { Returns1765800000000 } from './1765800000000-returns';
import { Tickets1765850000000 } from './1765850000000-tickets';
import { OutboxNotify1765900000000 } from './1765900000000-outbox-notify';
import { Reliability1765950000000 } from './1765950000000-reliability';
import { OutboxClaims1766000000000 } from './1766000000000-outbox-claims';
import { AgentLoadsLocked1766000100000 } from './1766000100000-agent-loads-locked';

/** Every migration, oldest first. The app, the CLI and the tests all run this list. */
export const ALL_MIGRATIONS = [
  InitialSchema1764086400000,
  PaymentsAndDeliveryReports1764100000000,
  Fulfilment1764200000000,
  SmsChannel1764300000000,
  Tasks1764400000000,
  Commissions1764500000000,
  Reports1764600000000,
  StockShortfall1764700000000,
  Audit1764800000000,
  MoneyLedger1765000000000,
  PaymentAttempts1765000100000,
  ShopAddresses1765100000000,
  Desks1765200000000,
  AdminConsole1765300000000,
  CodesAtRest1765400000000,
  SettlementWatermarks1765410000000,
  OtpBudget1765420000000,
  OrderAbuseLimits1765430000000,
  SuspendedStaff1765440000000,
  Pricing1765700000000,
  TaskKinds1765750000000,
  Returns1765800000000,
  Tickets1765850000000,
  OutboxNotify1765900000000,
  Reliability1765950000000,
  OutboxClaims1766000000000,
  AgentLoadsLocked1766000100000,
];
