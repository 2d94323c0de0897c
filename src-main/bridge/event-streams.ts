/**
 * Fan-out of operation progress events to every open `GET /events` response, in the
 * text/event-stream framing (`data: <json>\n\n`, comments start with `:`). The renderer
 * reads it with fetch streaming because EventSource cannot send the token header.
 */
import type { ServerResponse } from 'node:http';
import type { OperationEvent } from '../../src-preload/contract';
import type { Logger } from '../log/logger';

export interface EventStreams {
  /** Takes over `res` until the client leaves or `closeAll` runs. */
  attach(res: ServerResponse): void;
  publish(event: OperationEvent): void;
  closeAll(): void;
  readonly size: number;
}

export interface EventStreamsOptions {
  readonly logger: Logger;
  /** Comment line interval that keeps idle connections and intermediaries open. */
  readonly heartbeatMs: number;
  /** A client that stops reading is dropped instead of growing our memory without bound. */
  readonly maxBufferedBytes?: number;
}

const DEFAULT_MAX_BUFFERED = 1024 * 1024;

export function createEventStreams(options: EventStreamsOptions): EventStreams {
  const streams = new Set<ServerResponse>();
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  let heartbeat: NodeJS.Timeout | undefined;

  function write(res: ServerResponse, chunk: string): void {
    if (res.writableLength > maxBuffered) {
      options.logger.warn('event stream client is not reading; closing its stream', { buffered: res.writableLength });
      drop(res);
      res.destroy();
      return;
    }
    res.write(chunk);
  }

  function drop(res: ServerResponse): void {
    streams.delete(res);
    if (streams.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  }

  return {
    attach(res) {
      streams.add(res);
      res.on('close', () => drop(res));
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'X-Accel-Buffering': 'no' });
      // A first comment gets the headers and the stream through to fetch() at once.
      res.write(': connected\n\n');
      heartbeat ??= setInterval(() => {
        for (const stream of streams) write(stream, ': heartbeat\n\n');
      }, options.heartbeatMs);
      heartbeat.unref();
    },
    publish(event) {
      if (streams.size === 0) return;
      let line: string;
      try {
        // JSON.stringify escapes CR and LF, so one event is always one `data:` line.
        line = `data: ${JSON.stringify(event)}\n\n`;
      } catch {
        options.logger.error('operation event could not be serialized', { channel: event.channel, seq: event.seq });
        return;
      }
      for (const stream of streams) write(stream, line);
    },
    closeAll() {
      for (const stream of [...streams]) {
        drop(stream);
        stream.end();
      }
    },
    get size() {
      return streams.size;
    },
  };
}
