export * from './catalog.errors';
export * from './stock.service';
export * from './products.service';
export * from './catalog.module';
export * from './dto/product.dto';
