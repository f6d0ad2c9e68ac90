import { Injectable } from '@nestjs/common';

/** Whether this replica is draining: it then refuses connects and reports not ready. */
@Injectable()
export class DrainState {
  draining = false;
}
