import { afterEach, describe, expect, it } from 'vitest';
import { startLedger, type Ledger } from './ledger';

/** The ledger's verdict is what the fault tests stand on: it must see each broken promise, by id. */

const report = (ledger: Ledger, id: string, event: 'start' | 'end', pid = 1) =>
  fetch(ledger.url, { method: 'POST', body: JSON.stringify({ id, event, pid }) });

const ran = async (ledger: Ledger, id: string, pid = 1) => {
  await report(ledger, id, 'start', pid);
  await report(ledger, id, 'end', pid);
};

describe('the execution ledger', () => {
  let ledger: Ledger;
  afterEach(() => ledger?.close());

  it('passes calls that each ran once, and counts 504s and in-flight calls by id', async () => {
    ledger = await startLedger();
    const [a, b, c] = [ledger.id(), ledger.id(), ledger.id()];
    await ran(ledger, a);
    await report(ledger, b, 'start');
    expect(await ledger.fault(async () => undefined)).toEqual([b]);
    await report(ledger, b, 'end');
    ledger.answered(a, 200, a);
    ledger.answered(b, 504);
    ledger.answered(c, 504);
    const v = ledger.verdict();
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ inFlightAtFault: 1, answeredOnce: 1, timedOut: 2, ranTwice: [] });
  });

  it('names a call that ran twice, an answer that never ran, another call’s answer and a run nobody asked for', async () => {
    ledger = await startLedger();
    const [twice, never, swapped] = [ledger.id(), ledger.id(), ledger.id()];
    await ran(ledger, twice);
    await ran(ledger, twice, 2);
    await ran(ledger, swapped);
    await ran(ledger, 'stray');
    await ledger.fault(async () => undefined);
    ledger.answered(twice, 200, twice);
    ledger.answered(never, 200, never);
    ledger.answered(swapped, 200, twice);
    const v = ledger.verdict();
    expect(v.ranTwice).toEqual([twice]);
    expect(v.answeredOnce).toBe(1);
    expect(v.problems).toEqual([
      `${swapped} was answered with "${twice}"'s answer`,
      `${twice} ran 2 times (answered 200)`,
      `${never} was answered 200 but never ran`,
      'stray ran but no call with that id was made',
    ]);
  });

  it('holds finished calls in flight until released, and counts a run cut short by a killed process only as interrupted', async () => {
    ledger = await startLedger();
    const id = ledger.id();
    ledger.hold();
    await report(ledger, id, 'start', 7);
    const held = report(ledger, id, 'end', 7).catch(() => 'gone');
    await new Promise((r) => setTimeout(r, 50));
    expect(ledger.inFlight(7)).toEqual([id]);
    ledger.release();
    await held;
    expect(ledger.inFlight()).toEqual([]);

    const cut = ledger.id();
    await report(ledger, cut, 'start', 7);
    await ran(ledger, cut, 8);
    await ledger.fault(async () => undefined);
    ledger.answered(id, 200, id);
    ledger.answered(cut, 200, cut);
    expect(ledger.verdict().ranTwice).toEqual([cut]);
    const v = ledger.verdict({ killed: [7] });
    expect(v).toMatchObject({ ranTwice: [], interrupted: 1, answeredOnce: 2, problems: [] });
  });

  it('judges work the test observed itself (a build, an action) by id like a reported call', async () => {
    ledger = await startLedger();
    const [build, action] = [ledger.id(), ledger.id()];
    ledger.observed(build, 'start', 7);
    ledger.observed(action, 'start', 7);
    expect(await ledger.fault(async () => undefined)).toEqual([build, action]);
    // Process 7 was killed; process 8 finished the build once and the action twice (two VMs from one scale out).
    ledger.observed(build, 'start', 8);
    ledger.observed(build, 'end', 8);
    for (let i = 0; i < 2; i++) {
      ledger.observed(action, 'start', 8);
      ledger.observed(action, 'end', 8);
    }
    ledger.answered(build, 202);
    ledger.answered(action, 200);
    const v = ledger.verdict({ killed: [7] });
    expect(v).toMatchObject({ inFlightAtFault: 2, answeredOnce: 1, interrupted: 2, ranTwice: [action] });
    expect(v.problems).toEqual([`${action} ran 2 times (answered 200)`]);
  });

  it('says so when no fault was marked', async () => {
    ledger = await startLedger();
    expect(ledger.verdict().problems).toEqual(['fault() was never called: nothing says what was in flight']);
  });
});
