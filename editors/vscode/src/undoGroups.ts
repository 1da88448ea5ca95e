/**
 * Which of the server's `workspace/applyEdit` requests join one step of VS Code's undo
 * (pure; the editor side is `editGroups.ts`).
 *
 * A rewrite reaches the document as many edits: the proposed lines stream in above the
 * original, then acceptance removes the original (or rejection the proposed lines). VS
 * Code would make each `workspace.applyEdit` its own undo step, so undoing an accepted
 * change would take one Ctrl+Z per streamed edit and pass through half-written states.
 * Instead, the edits of one document's rewrite, from the first streamed line to the
 * accept or reject, are applied with `TextEditor.edit` without undo stops between them,
 * which VS Code's edit stack appends to one open undo element.
 *
 * The group starts with an undo stop (the user's earlier typing stays its own step) and
 * the accept or reject ends with one. An edit made after anything else changed the
 * document (the user's typing, another extension) starts with an undo stop too, so the
 * rewrite's edits never join someone else's step. VS Code itself closes the open step
 * when the document is saved (also by auto-save) and when the user types: a rewrite
 * interrupted that way is then two or more undo steps.
 */
import type { Range } from './protocol';

/** How one edit is applied. `grouped: false`: leave it to the language client. */
export interface EditPlan {
  grouped: boolean;
  undoStopBefore: boolean;
  undoStopAfter: boolean;
}

interface Group {
  /** kimi.refactor / kimi.fix requests in flight for the document. */
  rewriting: number;
  /** kimi.accept / kimi.reject requests in flight for the document. */
  deciding: number;
  /** The last kimi/proposal notification said a proposal is pending. */
  pending: boolean;
  /** The document version right after the group's last edit, while it may go on. */
  lastVersion: number | undefined;
}

export class UndoGroups {
  private readonly groups = new Map<string, Group>();

  private group(uri: string): Group {
    let group = this.groups.get(uri);
    if (group === undefined) {
      group = { rewriting: 0, deciding: 0, pending: false, lastVersion: undefined };
      this.groups.set(uri, group);
    }
    return group;
  }

  private tidy(uri: string): void {
    const group = this.groups.get(uri);
    if (group !== undefined && !this.active(group)) {
      this.groups.delete(uri);
    }
  }

  private active(group: Group): boolean {
    return group.rewriting > 0 || group.deciding > 0 || group.pending;
  }

  /** A kimi.refactor or kimi.fix request for `uri` was sent. */
  rewriteStarted(uri: string): void {
    const group = this.group(uri);
    if (group.rewriting === 0 && !group.pending) {
      group.lastVersion = undefined; // a new rewrite: a new step
    }
    group.rewriting++;
  }

  /** ... and answered (or failed). */
  rewriteEnded(uri: string): void {
    const group = this.groups.get(uri);
    if (group !== undefined) {
      group.rewriting = Math.max(0, group.rewriting - 1);
      this.tidy(uri);
    }
  }

  /** A kimi.accept or kimi.reject request for `uri` was sent: its edit ends the step. */
  decisionStarted(uri: string): void {
    this.group(uri).deciding++;
  }

  decisionEnded(uri: string): void {
    const group = this.groups.get(uri);
    if (group !== undefined) {
      group.deciding = Math.max(0, group.deciding - 1);
      this.tidy(uri);
    }
  }

  /** A kimi/proposal notification: whether the document's proposal is still pending. */
  proposal(uri: string, pending: boolean): void {
    if (pending) {
      this.group(uri).pending = true;
      return;
    }
    const group = this.groups.get(uri);
    if (group !== undefined) {
      group.pending = false;
      this.tidy(uri);
    }
  }

  /** The document was closed, or the server went away. */
  forget(uri?: string): void {
    if (uri === undefined) {
      this.groups.clear();
    } else {
      this.groups.delete(uri);
    }
  }

  /** How to apply an edit of `uri` computed at `version` (null: unversioned). */
  plan(uri: string, version: number | null): EditPlan {
    const group = this.groups.get(uri);
    if (group === undefined || !this.active(group)) {
      return { grouped: false, undoStopBefore: true, undoStopAfter: true };
    }
    const continues = group.lastVersion !== undefined && version !== null && version === group.lastVersion;
    return { grouped: true, undoStopBefore: !continues, undoStopAfter: group.deciding > 0 };
  }

  /** A grouped edit was applied; the document is now at `version`. */
  applied(uri: string, plan: EditPlan, version: number): void {
    const group = this.groups.get(uri);
    if (group !== undefined) {
      group.lastVersion = plan.undoStopAfter ? undefined : version;
    }
  }
}

/** A `workspace/applyEdit` that only changes text in one document. */
export interface DocumentEdit {
  uri: string;
  /** The version the edit was computed against; null when it carries none. */
  version: number | null;
  edits: { range: Range; newText: string }[];
}

function textEdits(value: unknown): { range: Range; newText: string }[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const out: { range: Range; newText: string }[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) {
      return undefined;
    }
    const r = item as Record<string, unknown>;
    // Annotated edits may need the user's confirmation, and snippet edits are not text:
    // those are the language client's to apply.
    if (typeof r['newText'] !== 'string' || !isRange(r['range']) || 'annotationId' in r || 'snippet' in r) {
      return undefined;
    }
    out.push({ range: r['range'], newText: r['newText'] });
  }
  return out;
}

function isRange(value: unknown): value is Range {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { start, end } = value as Record<string, unknown>;
  const ok = (p: unknown): boolean =>
    typeof p === 'object' && p !== null && Number.isInteger((p as Record<string, unknown>)['line']) && Number.isInteger((p as Record<string, unknown>)['character']);
  return ok(start) && ok(end);
}

/**
 * The edit, when it is plain text edits of a single document (as the server's rewrites
 * are); undefined for anything else (several documents, file operations, annotations).
 */
export function singleDocumentEdit(edit: unknown): DocumentEdit | undefined {
  if (typeof edit !== 'object' || edit === null) {
    return undefined;
  }
  const r = edit as Record<string, unknown>;
  if (r['changeAnnotations'] !== undefined) {
    return undefined;
  }
  const documentChanges = r['documentChanges'];
  if (documentChanges !== undefined) {
    if (!Array.isArray(documentChanges) || documentChanges.length !== 1) {
      return undefined;
    }
    const change = documentChanges[0] as unknown;
    if (typeof change !== 'object' || change === null || 'kind' in change) {
      return undefined;
    }
    const c = change as Record<string, unknown>;
    const doc = c['textDocument'] as Record<string, unknown> | undefined;
    const edits = textEdits(c['edits']);
    if (typeof doc !== 'object' || doc === null || typeof doc['uri'] !== 'string' || edits === undefined) {
      return undefined;
    }
    const version = doc['version'];
    return { uri: doc['uri'], version: Number.isInteger(version) && (version as number) >= 0 ? (version as number) : null, edits };
  }
  const changes = r['changes'];
  if (typeof changes !== 'object' || changes === null) {
    return undefined;
  }
  const entries = Object.entries(changes as Record<string, unknown>);
  if (entries.length !== 1) {
    return undefined;
  }
  const [uri, list] = entries[0] as [string, unknown];
  const edits = textEdits(list);
  return edits === undefined ? undefined : { uri, version: null, edits };
}
