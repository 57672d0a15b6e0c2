import { Module } from '@nestjs/common';
import { AuthModule } from '@campus/auth';
import { CatalogModule } from '@campus/catalog';
import { NetworkModule } from '@campus/network';
import { OrdersModule } from '@campus/orders';
import { IntakeService } from './intake.service';
import { SmsChannelService } from './sms/sms-channel.service';

@Module({
  imports: [OrdersModule, CatalogModule, NetworkModule, AuthModule],
  providers: [IntakeService, SmsChannelService],
  exports: [IntakeService, SmsChannelService],
})
export class IntakeModule {}
