import type { HmacTokenSettings } from '@moonx-farm/server-core';

export interface AuthBridgeOptions {
  tokens: HmacTokenSettings;
  /** Development only: POST /dev/tokens issues a token for any user id. */
  devTokensEnabled: boolean;
  devTokenTtlSec: number;
}

export const AUTH_BRIDGE_OPTIONS = Symbol('AUTH_BRIDGE_OPTIONS');
