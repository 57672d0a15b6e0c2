import { Module } from '@nestjs/common';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';

@Module({
  providers: [ProductsService, StockService],
  exports: [ProductsService, StockService],
})
export class CatalogModule {}
