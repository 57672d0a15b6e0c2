import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Product, Stock } from './catalog.entities';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';

@Module({
  imports: [TypeOrmModule.forFeature([Product, Stock])],
  providers: [ProductsService, StockService],
  exports: [ProductsService, StockService],
})
export class CatalogModule {}
