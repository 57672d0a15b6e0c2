import { Module } from '@nestjs/common';
import { AuthModule } from '@campus/auth';
import { CatalogModule } from '@campus/catalog';
import { NetworkModule } from '@campus/network';
import { OrdersModule } from '@campus/orders';
import { IntakeService } from './intake.service';
import { SmsChannelService } from './sms/sms-channel.service';
import { SmsQuotes } from './sms/sms-quotes.service';
import { SmsRepository } from './sms/sms.repository';

@Module({
  imports: [OrdersModule, CatalogModule, NetworkModule, AuthModule],
  providers: [IntakeService, SmsChannelService, SmsQuotes, SmsRepository],
  exports: [IntakeService, SmsChannelService],
})
export class IntakeModule {}
