import { Page } from '@campus/core';
import { AGENT_STATUSES, AgentStatus, AgentView, Campus, Locker, PickupPoint, Region } from '@campus/network';
import { Id, List, NextCursor, NullableStr, Str, Time, Enum } from '../common/view-props';

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
