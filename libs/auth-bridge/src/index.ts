export * from './lib/auth-bridge.module';
export * from './lib/auth-bridge-options';
export * from './lib/auth-bridge-env';
