import { WireProtocolError } from '../errors.js';
import { HEADER_SIZE } from './op-codes.js';

/** One wire message: the standard header fields and the bytes after the header. */
export interface Frame {
  requestId: number;
  responseTo: number;
  opCode: number;
  body: Buffer;
}

/**
 * Cuts a TCP byte stream into wire messages. Chunks are kept apart until a whole message has
 * arrived, so a 48 MB message costs one copy rather than one per chunk.
 */
export class FrameReader {
  readonly #maxMessageSize: number;
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(maxMessageSize: number) {
    this.#maxMessageSize = maxMessageSize;
  }

  /** Adds received bytes and returns every message now complete. Throws on an impossible length. */
  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.#buffered < 4) return frames;
      const head = this.#head(4);
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > this.#maxMessageSize) {
        throw new WireProtocolError(`invalid messageLength ${length}`);
      }
      if (this.#buffered < length) return frames;
      const all = this.#take();
      const message = all.subarray(0, length);
      const rest = all.subarray(length);
      if (rest.length > 0) {
        this.#chunks = [rest];
        this.#buffered = rest.length;
      }
      frames.push({
        requestId: message.readInt32LE(4),
        responseTo: message.readInt32LE(8),
        opCode: message.readInt32LE(12),
        body: message.subarray(HEADER_SIZE),
      });
    }
  }

  #head(size: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= size) return first;
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined;
  }

  #take(): Buffer {
    const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    return all;
  }
}
