import { Gauge, Registry } from 'prom-client';
import type { GatewayOptions } from './gateway-options';
import { ConnectBurstHeapPolicy } from './connect-burst-heap.policy';

function policyWith(settings: { base?: number; burst?: number; perSec?: number } = {}) {
  const applied: number[] = [];
  const options = { heapGrowingPercent: settings.base ?? 0, connectBurstHeapGrowingPercent: settings.burst ?? 50, connectBurstPerSec: settings.perSec ?? 200 } as GatewayOptions;
  const gauge = new Gauge({ name: 'heap_growing_percent', help: 'in force', registers: [new Registry()] });
  const policy = new ConnectBurstHeapPolicy(options, gauge, (percent) => applied.push(percent));
  const inForce = async () => (await gauge.get()).values[0]?.value;
  const second = (connects: number) => {
    for (let i = 0; i < connects; i++) policy.noteConnect();
    policy.tick();
  };
  return { policy, applied, second, inForce };
}

describe('ConnectBurstHeapPolicy', () => {
  it('switches to the burst setting in the first second at burst rate, once, and back after two quiet seconds', () => {
    const { policy, applied, second } = policyWith();
    second(199);
    expect(applied).toEqual([]);
    second(200);
    expect(applied).toEqual([50]);
    expect(policy.bursting).toBe(true);
    second(3000);
    second(10);
    expect(applied).toEqual([50]);
    // A busy second in between starts the quiet count again.
    second(500);
    second(0);
    expect(applied).toEqual([50]);
    second(0);
    expect(applied).toEqual([50, 0]);
    expect(policy.bursting).toBe(false);
    second(0);
    expect(applied).toEqual([50, 0]);
  });

  it('restores the replica’s own setting, not V8’s default, after a burst, and shows the setting in force', async () => {
    const { applied, second, inForce } = policyWith({ base: 100, burst: 30 });
    expect(await inForce()).toBe(100);
    second(250);
    expect(await inForce()).toBe(30);
    second(0);
    second(0);
    expect(applied).toEqual([30, 100]);
    expect(await inForce()).toBe(100);
  });

  it('counts each second on its own: connects spread over seconds below the rate make no burst', () => {
    const { applied, second } = policyWith({ perSec: 100 });
    for (let s = 0; s < 10; s++) second(99);
    expect(applied).toEqual([]);
  });

  it('does nothing when the burst setting is 0', () => {
    const { policy, applied, second } = policyWith({ burst: 0 });
    second(10_000);
    policy.onModuleInit();
    policy.onModuleDestroy();
    expect(applied).toEqual([]);
    expect(policy.bursting).toBe(false);
  });

  it('leaves a replica alone that already collects at least as often as a burst would have it', () => {
    const { applied, second } = policyWith({ base: 10, burst: 20 });
    second(10_000);
    second(0);
    second(0);
    expect(applied).toEqual([]);
  });

  it('gives the replica its own setting back when it stops during a burst', () => {
    const { policy, applied, second } = policyWith({ base: 0 });
    second(1000);
    policy.onModuleDestroy();
    expect(applied).toEqual([50, 0]);
  });
});
