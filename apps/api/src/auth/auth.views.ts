import type { CustomerSession, StaffRole, StaffSession } from '@campus/auth';
import { Principal, ROLES, Role } from '@campus/core';
import { Bool, Enum, Id, NullableId, NullableStr, Obj, Str } from '../common/view-props';

const STAFF = ROLES.filter((r) => r !== 'customer');

export class SessionUserView {
  @Id() id: string;
  @Enum(STAFF) role: StaffRole;
  @Str() username: string;
  @NullableStr() displayName: string | null;
  @Bool({ description: 'true after a password reset: change it (POST /api/auth/password) first' })
  mustChangePassword: boolean;
}

export class StaffSessionView implements StaffSession {
  @Str({ description: 'send as `Authorization: Bearer <token>`' }) accessToken: string;
  @Obj(SessionUserView) user: SessionUserView;
}

export class SessionCustomerView {
  @Id() id: string;
  @Str({ example: '+8613800138000' }) phone: string;
}

export class CustomerSessionView implements CustomerSession {
  @Str() accessToken: string;
  @Obj(SessionCustomerView) customer: SessionCustomerView;
}

export class OtpSentView {
  @Str({ example: 'sent' }) status: string;
}

/** The caller as the token names them, with the scope that applies to them. */
export class PrincipalView implements Principal {
  @Enum(['user', 'customer', 'system', 'anonymous']) kind: Principal['kind'];
  @Id() id: string;
  @Enum([...ROLES, 'system', 'anonymous']) role: Role | 'system' | 'anonymous';
  @Str({ required: false }) username?: string;
  @Str({ required: false }) phone?: string;
  @NullableId() regionId?: string | null;
  @NullableId() campusId?: string | null;
  @NullableId() pickupPointId?: string | null;
  @NullableId() agentId?: string | null;
  @Bool({ required: false }) mustChangePassword?: boolean;
}
