export * from './lib/auth-bridge.module';
export * from './lib/auth-bridge-options';
export * from './lib/auth-bridge-env';
export * from './lib/jwt-token-verifier';
export * from './lib/token-verification.service';
