import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AddressesService, AddressView, CreateAddressDto, Ctx, Roles, UpdateAddressDto } from '@campus/auth';
import { RequestContext } from '@campus/core';
import { UuidParam } from '../common/validation';
import { AddressList, AddressResponse } from './shop.views';

/** The signed-in customer's address book (at most 10; another customer's id answers 404). */
@ApiTags('shop')
@ApiBearerAuth()
@Controller('me/addresses')
@Roles('customer')
export class AddressesController {
  constructor(private readonly addresses: AddressesService) {}

  @Get()
  @ApiOkResponse({ type: AddressList })
  async list(@Ctx() ctx: RequestContext): Promise<{ items: AddressView[] }> {
    return { items: await this.addresses.list(ctx) };
  }

  @Post()
  @ApiCreatedResponse({ type: AddressResponse })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateAddressDto): Promise<AddressView> {
    return this.addresses.create(ctx, dto);
  }

  @Patch(':id')
  @ApiOkResponse({ type: AddressResponse })
  update(
    @Ctx() ctx: RequestContext,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateAddressDto,
  ): Promise<AddressView> {
    return this.addresses.update(ctx, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@Ctx() ctx: RequestContext, @Param('id', UuidParam) id: string): Promise<void> {
    return this.addresses.remove(ctx, id);
  }
}
