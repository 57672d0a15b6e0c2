import { Page } from '@campus/core';
import { AGENT_STATUSES, AgentStatus, AgentView, Campus, Locker, PickupPoint, Region } from '@campus/network';
import {
  Bool,
  Enum,
  Id,
  List,
  NextCursor,
  NullableId,
  NullableStr,
  Obj,
  Str,
  Time,
} from '../common/view-props';
import type { UserView } from './staff.service';
import { STAFF_ROLES } from '@campus/core';

export class RegionView implements Region {
  @Id() id: string;
  @Str() code: string;
  @Str() name: string;
  @Time() createdAt: Date;
}

export class CampusView implements Campus {
  @Id() id: string;
  @Str() code: string;
  @Str() name: string;
  @Id() regionId: string;
  @Time() createdAt: Date;
}

export class PickupPointView implements PickupPoint {
  @Id() id: string;
  @Str() code: string;
  @Str() name: string;
  @Id() campusId: string;
  @NullableStr() address: string | null;
  @Time() createdAt: Date;
}

export class LockerSummaryView implements Locker {
  @Id() id: string;
  @Str() code: string;
  @Id() pickupPointId: string;
  @Time() createdAt: Date;
}

export class AgentResponse implements AgentView {
  @Id() id: string;
  @Id() userId: string;
  @Id() campusId: string;
  @Id() regionId: string;
  @Str({ description: 'customers and staff quote it to attribute an order' }) referralCode: string;
  @Str() displayName: string;
  @Str() phone: string;
  @Enum(AGENT_STATUSES) status: AgentStatus;
  @Time() createdAt: Date;
}

export class AgentPage implements Page<AgentResponse> {
  @List(AgentResponse) items: AgentResponse[];
  @NextCursor() nextCursor: string | null;
}

export class UserResponse implements UserView {
  @Id() id: string;
  @Str() username: string;
  @Enum(STAFF_ROLES) role: string;
  @NullableStr() displayName: string | null;
  @NullableStr() phone: string | null;
  @NullableId() regionId: string | null;
  @NullableId() campusId: string | null;
  @NullableId() pickupPointId: string | null;
  @Bool() active: boolean;
  @Bool({ description: 'a reset is pending: the account must change its password at its next sign-in' })
  mustChangePassword: boolean;
  @Time() createdAt: Date;
  @Obj(AgentResponse, { required: false }) agent?: AgentResponse;
}

export class UserPage implements Page<UserResponse> {
  @List(UserResponse) items: UserResponse[];
  @NextCursor() nextCursor: string | null;
}
