export * from './network.entities';
export * from './network.errors';
export * from './network-scope';
export * from './network.service';
export * from './agents.service';
export * from './compartment.repository';
export * from './network.module';
export * from './dto/network.dto';
