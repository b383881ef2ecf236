import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/**
 * A pino logger whose lines are emitted, parsed, as `line` events: a test awaits the line it
 * expects instead of polling captured output.
 */
export function loggerWithEvents(level: pino.Level): { logger: Logger; events: EventEmitter } {
  const events = new EventEmitter();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        events.emit('line', JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level }, sink), events };
}
