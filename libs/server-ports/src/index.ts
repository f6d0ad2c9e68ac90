export * from './lib/ports.module';
