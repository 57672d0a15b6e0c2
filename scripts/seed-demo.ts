import type { INestApplication } from '@nestjs/common';
import { ProductsService } from '@campus/catalog';
import { CommissionRulesService } from '@campus/commissions';
import { RequestContext } from '@campus/core';
import { Db } from '@campus/database';
import { NetworkService } from '@campus/network';
import { StaffService } from '../apps/api/src/setup/staff.service';

export const DEMO_PASSWORD = 'campus-demo-2026';

export interface DemoAccount {
  role: string;
  username: string;
  password: string;
  note: string;
}

/**
 * A small dataset to click through: one region, two campuses, pickup points with lockers, a few
 * products (some needing installation), commission rules and one account of every role. Runs only on an empty database.
 */
export async function seedDemo(app: INestApplication): Promise<DemoAccount[] | null> {
  const ctx = RequestContext.system('demo-seed');
  const db = app.get(Db);
  const existing = await db.query(ctx, `SELECT 1 FROM regions LIMIT 1`);
  if (existing.length > 0) return null;

  const network = app.get(NetworkService);
  const staff = app.get(StaffService);
  const products = app.get(ProductsService);

  const region = await network.createRegion(ctx, { code: 'BJ', name: 'Beijing' });
  const pku = await network.createCampus(ctx, {
    code: 'PKU',
    name: 'Peking University',
    regionId: region.id,
  });
  const thu = await network.createCampus(ctx, {
    code: 'THU',
    name: 'Tsinghua University',
    regionId: region.id,
  });
  const dorm = await network.createPickupPoint(ctx, {
    code: 'PKU-DORM3',
    name: 'Dorm 3 lobby',
    campusId: pku.id,
    address: 'Dorm 3, ground floor',
  });
  const shop = await network.createPickupPoint(ctx, {
    code: 'PKU-SHOP',
    name: 'Campus shop counter',
    campusId: pku.id,
    address: 'Student centre, shop 2',
  });
  const lib = await network.createPickupPoint(ctx, {
    code: 'THU-LIB',
    name: 'Library lobby',
    campusId: thu.id,
    address: 'Main library, east door',
  });
  await network.createLocker(ctx, {
    code: 'PKU-L1',
    pickupPointId: dorm.id,
    compartments: { S: 8, M: 4, L: 2 },
  });
  await network.createLocker(ctx, {
    code: 'THU-L1',
    pickupPointId: lib.id,
    compartments: { S: 6, M: 4, L: 2 },
  });

  const catalogue = [
    {
      sku: 'USB-32G',
      name: 'USB stick 32 GB',
      category: 'storage',
      priceCents: 3900,
      stock: 200,
      lowStockThreshold: 20,
    },
    {
      sku: 'EARBUDS-BT',
      name: 'Bluetooth earbuds',
      category: 'audio',
      priceCents: 12900,
      stock: 80,
      lowStockThreshold: 10,
    },
    {
      sku: 'NOTEBOOK-A5',
      name: 'A5 notebook',
      category: 'stationery',
      priceCents: 800,
      stock: 500,
      lowStockThreshold: 50,
    },
    {
      sku: 'CHARGER-65W',
      name: '65 W USB-C charger',
      category: 'power',
      priceCents: 9900,
      stock: 60,
      lowStockThreshold: 10,
    },
    {
      sku: 'ROUTER-AX',
      name: 'Wi-Fi 6 router',
      category: 'network',
      priceCents: 29900,
      stock: 30,
      lowStockThreshold: 5,
      requiresInstallation: true,
      installFeeCents: 3000,
    },
    {
      sku: 'PRINTER-LJ',
      name: 'Laser printer',
      category: 'printers',
      priceCents: 89900,
      stock: 12,
      lowStockThreshold: 3,
      requiresInstallation: true,
      installFeeCents: 5000,
    },
    {
      sku: 'LAPTOP-14',
      name: '14-inch student laptop',
      category: 'computers',
      priceCents: 459900,
      stock: 15,
      lowStockThreshold: 3,
      requiresInstallation: true,
      installFeeCents: 8000,
    },
  ];
  for (const p of catalogue) await products.create(ctx, p);

  // Commission: 3 % by default, 2 % on computers, a fixed ¥50 per printer, +1 % from an agent's
  // 51st completed order of the month in the region.
  const rules = app.get(CommissionRulesService);
  await rules.createRule(ctx, { rateBps: 300 });
  await rules.createRule(ctx, { category: 'computers', rateBps: 200 });
  await rules.createRule(ctx, { sku: 'PRINTER-LJ', fixedCents: 5000 });
  await rules.createTier(ctx, { regionId: region.id, fromOrder: 51, bonusBps: 100 });

  const accounts: DemoAccount[] = [];
  const add = async (dto: Parameters<StaffService['createUser']>[1], note: string): Promise<void> => {
    await staff.createUser(ctx, dto);
    accounts.push({ role: dto.role, username: dto.username, password: dto.password, note });
  };
  await add(
    {
      username: 'manager.bj',
      password: DEMO_PASSWORD,
      role: 'regional_manager',
      regionId: region.id,
      displayName: 'Wang Fang',
    },
    'region BJ',
  );
  await add(
    { username: 'callcenter', password: DEMO_PASSWORD, role: 'call_center', displayName: 'Chen Jing' },
    'all customers',
  );
  await add(
    {
      username: 'agent.pku',
      password: DEMO_PASSWORD,
      role: 'agent',
      campusId: pku.id,
      displayName: 'Li Lei',
      phone: '+8613800000001',
    },
    'campus PKU',
  );
  await add(
    {
      username: 'agent.thu',
      password: DEMO_PASSWORD,
      role: 'agent',
      campusId: thu.id,
      displayName: 'Zhao Min',
      phone: '+8613800000002',
    },
    'campus THU',
  );
  await add(
    {
      username: 'pickup.pku',
      password: DEMO_PASSWORD,
      role: 'pickup_staff',
      pickupPointId: shop.id,
      displayName: 'Sun Li',
    },
    'PKU-SHOP counter',
  );
  return accounts;
}
