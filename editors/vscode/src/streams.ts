/** Routes `kimi/stream` notifications to whoever started the stream (pure). */
import type { StreamNotification } from './protocol';

export type StreamHandler = (notification: StreamNotification) => void;

export class StreamRouter {
  private readonly handlers = new Map<string, StreamHandler>();

  /** Routes the notifications for `id` to `handler` until `done` or dispose. */
  listen(id: string, handler: StreamHandler): { dispose(): void } {
    this.handlers.set(id, handler);
    return { dispose: () => this.handlers.delete(id) };
  }

  /** Delivers one notification; returns whether anyone was listening. */
  dispatch(params: unknown): boolean {
    const notification = parseStream(params);
    if (notification === undefined) {
      return false;
    }
    const handler = this.handlers.get(notification.id);
    if (handler === undefined) {
      return false;
    }
    if (notification.done) {
      this.handlers.delete(notification.id);
    }
    handler(notification);
    return true;
  }

  get size(): number {
    return this.handlers.size;
  }
}

export function parseStream(params: unknown): StreamNotification | undefined {
  if (typeof params !== 'object' || params === null) {
    return undefined;
  }
  const r = params as Record<string, unknown>;
  const kind = r['kind'];
  if (typeof r['id'] !== 'string' || (kind !== 'explain' && kind !== 'refactor' && kind !== 'fix' && kind !== 'edit')) {
    return undefined;
  }
  const out: StreamNotification = {
    id: r['id'],
    kind,
    delta: typeof r['delta'] === 'string' ? r['delta'] : '',
    done: r['done'] === true,
  };
  if (typeof r['error'] === 'string') {
    out.error = r['error'];
  }
  return out;
}
