/**
 * Changes across files (`kimi.edit`) as the extension follows them (pure; see
 * docs/protocol.md): the command's answer and the `kimi/proposal` notifications read
 * defensively, the changes waiting for review with each file's original and proposed
 * text, which files an accept names, and the accepted changes Undo Last Kimi Edit can
 * take back, newest last, in the order they were accepted among the rewrites.
 */
import type { ChangeFile, EditResult, EditStatus, Range, TextEdit } from './protocol';
import { changedLines, countLines } from './textEdits';

const EDIT_STATUSES: readonly EditStatus[] = ['proposed', 'applied', 'unchanged', 'failed', 'cancelled'];

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function isPosition(value: unknown): boolean {
  const r = record(value);
  return r !== undefined && Number.isInteger(r['line']) && Number.isInteger(r['character']);
}

function textEdit(value: unknown): TextEdit | undefined {
  const r = record(value);
  const range = record(r?.['range']);
  if (r === undefined || range === undefined || typeof r['newText'] !== 'string' || !isPosition(range['start']) || !isPosition(range['end'])) {
    return undefined;
  }
  return { range: range as unknown as Range, newText: r['newText'] };
}

function changeFile(value: unknown): ChangeFile | undefined {
  const r = record(value);
  const kind = r?.['kind'];
  if (r === undefined || typeof r['uri'] !== 'string' || (kind !== 'edit' && kind !== 'create') || !Array.isArray(r['edits'])) {
    return undefined;
  }
  const edits = (r['edits'] as unknown[]).map(textEdit);
  if (edits.some((e) => e === undefined)) {
    return undefined;
  }
  return { uri: r['uri'], kind, edits: edits as TextEdit[] };
}

/** Reads `kimi.edit`'s answer; undefined when it is not one. */
export function parseEditResult(value: unknown): EditResult | undefined {
  const r = record(value);
  const status = r?.['status'];
  if (r === undefined || !(EDIT_STATUSES as readonly unknown[]).includes(status)) {
    return undefined;
  }
  const files = Array.isArray(r['files']) ? (r['files'] as unknown[]).map(changeFile) : [];
  if (files.some((f) => f === undefined)) {
    return undefined;
  }
  const out: EditResult = { status: status as EditStatus, files: files as ChangeFile[] };
  if (typeof r['proposalId'] === 'string' && r['proposalId'] !== '') {
    out.proposalId = r['proposalId'];
  }
  if (typeof r['streamId'] === 'string') {
    out.streamId = r['streamId'];
  }
  if (typeof r['message'] === 'string' && r['message'].trim() !== '') {
    out.message = r['message'].trim();
  }
  if (typeof r['costUsd'] === 'number' || r['costUsd'] === null) {
    out.costUsd = r['costUsd'];
  }
  return out;
}

/** A `kimi/proposal` notification of a change across files (`kind: "edit"`). */
export interface ChangeNotification {
  proposalId: string;
  state: string;
  files: { uri: string; kind: string }[];
  message?: string;
}

/** Reads a `kimi/proposal` notification of a change across files; undefined for anything else. */
export function parseChangeNotification(params: unknown): ChangeNotification | undefined {
  const r = record(params);
  if (r === undefined || r['kind'] !== 'edit' || typeof r['proposalId'] !== 'string' || typeof r['state'] !== 'string') {
    return undefined;
  }
  const files = (Array.isArray(r['files']) ? (r['files'] as unknown[]) : [])
    .map(record)
    .filter((f): f is Record<string, unknown> => f !== undefined && typeof f['uri'] === 'string')
    .map((f) => ({ uri: f['uri'] as string, kind: typeof f['kind'] === 'string' ? f['kind'] : 'edit' }));
  const out: ChangeNotification = { proposalId: r['proposalId'], state: r['state'], files };
  if (typeof r['message'] === 'string' && r['message'] !== '') {
    out.message = r['message'];
  }
  return out;
}

/** One file of a change under review. */
export interface ReviewFile extends ChangeFile {
  /** The file's text the edits were made for ("" for a new file). */
  original: string;
  /** `original` with the edits applied; `original` when they do not fit (see `problem`). */
  proposed: string;
  /** Why the proposed text could not be built, if it could not. */
  problem?: string;
}

/** A change across files waiting for the user's decision. */
export interface PendingChange {
  id: string;
  /** The review's title (the changes view's tab), unique among the pending changes. */
  title: string;
  instruction: string;
  /** The model's summary. */
  message?: string;
  files: ReviewFile[];
}

/** A file of an accepted change. */
export interface AcceptedFile {
  uri: string;
  kind: string;
}

/** What Kimi: Undo Last Kimi Edit takes back first. */
export type UndoTarget = { kind: 'change'; id: string; files: AcceptedFile[] } | { kind: 'document' };

const KEEP_ACCEPTED = 20;

/** The changes waiting for review, and the order in which Kimi changes were accepted. */
export class ChangeStore {
  private readonly pending = new Map<string, PendingChange>();
  /** Accepted changes (with their `files`) and rewrites (with their document), oldest first. */
  private accepted: { id: string; files?: AcceptedFile[]; uri?: string }[] = [];

  add(change: PendingChange): void {
    this.pending.set(change.id, change);
  }

  get(id: string): PendingChange | undefined {
    return this.pending.get(id);
  }

  /** The change waiting for review that was proposed last. */
  newest(): PendingChange | undefined {
    return [...this.pending.values()].at(-1);
  }

  /** No longer waiting (accepted, rejected, or gone); true if it was. */
  remove(id: string): boolean {
    return this.pending.delete(id);
  }

  get size(): number {
    return this.pending.size;
  }

  all(): PendingChange[] {
    return [...this.pending.values()];
  }

  /** A title no pending change has: `base`, else `base (2)`, `base (3)`, ... */
  uniqueTitle(base: string): string {
    const taken = new Set([...this.pending.values()].map((c) => c.title));
    let title = base;
    for (let n = 2; taken.has(title); n++) {
      title = `${base} (${n})`;
    }
    return title;
  }

  /** A change across files was applied to `files`. */
  changeAccepted(id: string, files: readonly AcceptedFile[]): void {
    this.pending.delete(id);
    this.remember({ id, files: files.map((f) => ({ uri: f.uri, kind: f.kind })) });
  }

  /** A rewrite (refactor, fix) of document `uri` was applied. */
  rewriteAccepted(id: string, uri: string): void {
    this.remember({ id, uri });
  }

  /** An accepted change or rewrite was undone, or can no longer be: forget it. */
  forgetAccepted(id: string): void {
    this.accepted = this.accepted.filter((a) => a.id !== id);
  }

  /**
   * What to undo first: the last change across files accepted, unless a rewrite of the
   * active document (`activeUri`) was accepted after it; then, or when there is none, the
   * active document's last change (the server knows which).
   */
  undoTarget(activeUri?: string): UndoTarget {
    const last = [...this.accepted].reverse().find((a) => a.files !== undefined || (activeUri !== undefined && a.uri === activeUri));
    return last?.files !== undefined ? { kind: 'change', id: last.id, files: last.files } : { kind: 'document' };
  }

  /** The server went away: so did every change. */
  clear(): string[] {
    const ids = [...this.pending.keys()];
    this.pending.clear();
    this.accepted = [];
    return ids;
  }

  private remember(entry: { id: string; files?: AcceptedFile[]; uri?: string }): void {
    this.accepted = this.accepted.filter((a) => a.id !== entry.id);
    this.accepted.push(entry);
    if (this.accepted.length > KEEP_ACCEPTED) {
      this.accepted.shift();
    }
  }
}

/** `{proposalId}` for every file, `{proposalId, uris}` for some; undefined for none. */
export function acceptArgument(change: PendingChange, chosen: readonly string[]): { proposalId: string; uris?: string[] } | undefined {
  const wanted = new Set(chosen);
  const uris = change.files.map((f) => f.uri).filter((u) => wanted.has(u));
  if (uris.length === 0) {
    return undefined;
  }
  return uris.length === change.files.length ? { proposalId: change.id } : { proposalId: change.id, uris };
}

/** One file as the review lists it: "new file, 5 lines" / "2 edits, +3 −2 lines". */
export function describeFile(file: ReviewFile): string {
  if (file.problem !== undefined) {
    return `cannot be shown: ${file.problem}`;
  }
  if (file.kind === 'create') {
    const n = countLines(file.proposed);
    return `new file, ${n} line${n === 1 ? '' : 's'}`;
  }
  const n = file.edits.length;
  const { added, removed } = changedLines(file.original, file.edits);
  return `${n} edit${n === 1 ? '' : 's'}, +${added} −${removed} lines`;
}

/** The summary of an applied change: "3 files (1 new)". */
export function describeFiles(files: readonly { kind: string }[]): string {
  const created = files.filter((f) => f.kind === 'create').length;
  const n = files.length;
  return `${n} file${n === 1 ? '' : 's'}${created > 0 ? ` (${created} new)` : ''}`;
}

/** The documents a `workspace/applyEdit` touches (text edits, created, renamed and deleted files). */
export function editUris(edit: unknown): string[] {
  const r = record(edit);
  if (r === undefined) {
    return [];
  }
  const uris: string[] = [];
  if (Array.isArray(r['documentChanges'])) {
    for (const change of r['documentChanges'] as unknown[]) {
      const c = record(change);
      const doc = record(c?.['textDocument']);
      for (const uri of [doc?.['uri'], c?.['uri'], c?.['oldUri'], c?.['newUri']]) {
        if (typeof uri === 'string') {
          uris.push(uri);
        }
      }
    }
  }
  const changes = record(r['changes']);
  if (changes !== undefined) {
    uris.push(...Object.keys(changes));
  }
  return uris;
}

/** A message's text as one sentence for a notification: one line, bounded, ending with a full stop. */
export function sentence(text: string, max = 400): string {
  let out = text.replace(/\s+/g, ' ').trim();
  if (out.length > max) {
    out = `${out.slice(0, max - 1).trimEnd()}…`;
  }
  return /[.!?…:]$/.test(out) ? (out.endsWith(':') ? `${out.slice(0, -1)}.` : out) : `${out}.`;
}

/** What the progress notification shows of the model's streamed words: its last line, bounded. */
export function streamSummary(text: string, max = 100): string {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '');
  const last = lines.at(-1) ?? '';
  return last.length > max ? `…${last.slice(last.length - max + 1)}` : last;
}
