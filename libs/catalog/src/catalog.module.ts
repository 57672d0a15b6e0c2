import { Module } from '@nestjs/common';
import { ProductRepository } from './product.repository';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';

@Module({
  providers: [ProductRepository, ProductsService, StockService],
  exports: [ProductsService, StockService],
})
export class CatalogModule {}
