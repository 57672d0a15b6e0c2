import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@campus/auth';
import { CatalogModule } from '@campus/catalog';
import { NetworkModule } from '@campus/network';
import { OrdersModule } from '@campus/orders';
import { IntakeService } from './intake.service';
import { SmsChannelService } from './sms/sms-channel.service';
import { SmsMessage, SmsQuote } from './sms/sms.entities';

@Module({
  imports: [
    TypeOrmModule.forFeature([SmsMessage, SmsQuote]),
    OrdersModule,
    CatalogModule,
    NetworkModule,
    AuthModule,
  ],
  providers: [IntakeService, SmsChannelService],
  exports: [IntakeService, SmsChannelService],
})
export class IntakeModule {}
