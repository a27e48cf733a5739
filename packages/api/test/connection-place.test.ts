// Where a gazu listener's connection stands: what it was sent and what its pongs say arrived.
// `passedTo` comes from the feed once it has handed a batch over, as in the listener.
import { describe, expect, it } from 'vitest';
import { ConnectionPlace } from '../src/kitsu/listener-places';

describe('ConnectionPlace', () => {
  it('stays before the oldest event not known to have arrived', () => {
    const place = new ConnectionPlace(10);
    place.queued(12);
    place.queued(15);
    place.passedTo(16);
    expect(place.place).toBe(11);
    place.written(15);
    place.pinged();
    expect(place.place).toBe(11);
    place.ponged();
    // Both arrived, and 16 was not for this listener.
    expect(place.place).toBe(16);
    expect(place.behind).toBe(0);
  });

  it('credits a pong with what was written before its ping, not what was queued after', () => {
    const place = new ConnectionPlace(0);
    place.queued(1);
    place.passedTo(1);
    place.written(1);
    place.pinged();
    place.queued(2);
    place.passedTo(2);
    place.ponged();
    expect(place.place).toBe(1);
    expect(place.unprobed).toBe(false);
    place.written(2);
    expect(place.unprobed).toBe(true);
  });

  it("answers pings in order, the server's own heartbeat's included", () => {
    const place = new ConnectionPlace(0);
    place.queued(1);
    place.passedTo(1);
    place.written(1);
    place.pinged(); // the heartbeat's
    place.queued(2);
    place.passedTo(2);
    place.written(2);
    expect(place.pinging).toBe(true);
    place.pinged(); // a probe
    place.ponged(); // answers the heartbeat's ping: 1 arrived, 2 not known yet
    expect(place.place).toBe(1);
    place.ponged();
    expect(place.place).toBe(2);
    expect(place.pinging).toBe(false);
  });

  it('waits for a listener past the limit, and says whether it caught up in time', async () => {
    const place = new ConnectionPlace(0);
    for (let id = 1; id <= 5; id++) place.queued(id);
    place.written(5);
    expect(place.caughtUp(5, 50)).toBe(true);
    place.queued(6);
    place.written(6);
    place.pinged();
    const waiting = place.caughtUp(5, 1000);
    expect(place.caughtUp(5, 1000)).toBe(waiting);
    place.ponged();
    expect(await waiting).toBe(true);
    for (let id = 7; id <= 13; id++) place.queued(id);
    expect(await place.caughtUp(5, 20)).toBe(false);
  });
});
