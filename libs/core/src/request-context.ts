import type { EntityManager } from 'typeorm';

export const ROLES = [
  'admin',
  'regional_manager',
  'call_center',
  'agent',
  'pickup_staff',
  'customer',
] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = [
  'admin',
  'regional_manager',
  'call_center',
  'agent',
  'pickup_staff',
];

export const CHANNELS = ['web', 'wap', 'sms', 'phone', 'pickup_point', 'agent'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Who is calling, with the scope their role is limited to. */
export interface Principal {
  kind: 'user' | 'customer' | 'system' | 'anonymous';
  /** users.id for staff, customers.id for customers. */
  id: string;
  role: Role | 'system' | 'anonymous';
  username?: string;
  phone?: string;
  regionId?: string | null;
  campusId?: string | null;
  pickupPointId?: string | null;
  agentId?: string | null;
  /** A suspended agent: reads their own history, changes nothing (403 `agent_suspended`). */
  suspended?: boolean;
  /** Staff signed in with a temporary password: only the password change is allowed. */
  mustChangePassword?: boolean;
  /** Staff: the account's token version (tokens carrying another one are revoked). */
  tokenVersion?: number;
}

export const SYSTEM_PRINCIPAL: Principal = {
  kind: 'system',
  id: '00000000-0000-0000-0000-000000000000',
  role: 'system',
};

/** The caller of a public route (sign-in, webhooks): no rights at all. */
export const ANONYMOUS_PRINCIPAL: Principal = {
  kind: 'anonymous',
  id: '00000000-0000-0000-0000-000000000001',
  role: 'anonymous',
};

/**
 * The caller travels with every service call: who, for which request, inside which transaction.
 * A context with a manager means "you are inside a transaction; use it".
 */
export class RequestContext {
  constructor(
    readonly principal: Principal,
    readonly requestId: string,
    readonly manager?: EntityManager,
    readonly ip?: string,
  ) {}

  static system(requestId = 'system'): RequestContext {
    return new RequestContext(SYSTEM_PRINCIPAL, requestId);
  }

  /** The same request, acting as the system (after a webhook proved who sent it). */
  asSystem(): RequestContext {
    return new RequestContext(SYSTEM_PRINCIPAL, this.requestId, this.manager, this.ip);
  }

  withManager(manager: EntityManager): RequestContext {
    return new RequestContext(this.principal, this.requestId, manager, this.ip);
  }

  get role(): Role | 'system' | 'anonymous' {
    return this.principal.role;
  }

  is(...roles: (Role | 'system' | 'anonymous')[]): boolean {
    return roles.includes(this.principal.role);
  }

  /** The id to store as "who did it" (a user, a customer or the system). */
  get actorId(): string {
    return this.principal.id;
  }
}
