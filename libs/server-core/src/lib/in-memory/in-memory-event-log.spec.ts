import { createInMemoryEventLogHarness, describeEventLogContract } from '../../testing';

describeEventLogContract('in-memory', () => createInMemoryEventLogHarness(), 5000);
