// The shape model's input: the shape.json a scenario names (load.shape), read and checked before
// anything starts, and made into what the load threads replay (harness/load/replay.ts). Here, on
// the run's floor, because the load threads sit below the shape code and may not import it.
import { readFileSync } from 'node:fs';
import { CannotMeasure } from '../errors.ts';
import type { ArrivalSpec } from '../load/pacer.ts';
import type { Histogram, ReplaySpec } from '../load/replay.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseShape, type DistributionFigures } from '../shape/schema.ts';

export interface ShapeLoad {
  /** connection arrivals: a Poisson process at the shape's rate × load.shapeScale */
  arrivals: ArrivalSpec;
  replay: ReplaySpec;
}

/** Refused as an invalid scenario is (exit 2), naming the field. */
const refuse = (why: string) => new CannotMeasure(`invalid scenario:\n  load.shape: ${why.replace(/\n/g, '\n  ')}`);

const histogramOf = (d: DistributionFigures): Histogram => ({ edges: d.histogram.edges, counts: d.histogram.counts, min: d.min ?? 0, max: d.max ?? 0 });

export function shapeLoadOf(load: Scenario['load']): ShapeLoad {
  const path = load.shape!;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw refuse(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give the shape.json npm run shape wrote`);
  }
  let shape;
  try {
    shape = parseShape(text, path);
  } catch (err) {
    throw refuse((err as Error).message);
  }
  const c = shape.connections;
  // Arrivals are connections opened within the log ($connection_requests 1), per second over the
  // log's buckets: the mean of the series shape.html draws. Not connections.total ÷ span: that
  // counts the connections open before the log began (`continued`), which arrived before it.
  const rate = c.opening.meanPerSecond * load.shapeScale;
  if (!(c.opened > 0 && rate > 0 && c.requestsPerConnection.count > 0)) {
    throw refuse(`${path} has no connection opened within its log (connections.opened ${c.opened}): nothing to replay`);
  }
  if ((c.requestsPerConnection.max ?? 0) > 1 && shape.idleMs.count === 0) {
    throw refuse(`${path} has connections of several requests but no idle time between them (${shape.idleMs.overlapping} overlapping: HTTP/2 streams or pipelining), which the shape model cannot replay`);
  }
  return {
    arrivals: { rate, rampFromRate: 0, rampMs: 0, arrivals: 'poisson', seed: load.seed },
    replay: { requestsPerConnection: histogramOf(c.requestsPerConnection), idleMs: histogramOf(shape.idleMs) },
  };
}
