/**
 * The stamp's timeline: every long-running operation the console started on
 * the stamp (configure, backup, prune), as it was polled, in
 * `stamp-operations.json`. An operation still in progress keeps where to poll
 * it, so a console that stopped while the stamp worked (a CLI without
 * `--wait`) learns how it ended the next time it looks.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import type { ApiError, StampOperationView } from '../../../preload/api';
import { STAMP_OPERATION_KINDS, STAMP_OPERATION_STATES } from '../../../common/contract/stamp';
import { jsonStateFile, type JsonStateFile } from '../history/json-state-file';
import type { AcceptedOperation } from './arm-client';

export const STAMP_OPERATIONS_FILE_NAME = 'stamp-operations.json';
/** Older entries fall off; the stamp's own history is in its blade. */
const KEPT_OPERATIONS = 200;

const acceptedOperation = z.object({
  pollUrl: z.string(),
  resultUrl: z.string().nullable(),
  protocol: z.enum(['async-operation', 'location']),
  retryAfterMs: z.number().nullable(),
});

const storedOperation = z.object({
  operationId: z.string(),
  kind: z.enum(STAMP_OPERATION_KINDS),
  state: z.enum(STAMP_OPERATION_STATES),
  startedAt: z.string(),
  polledAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  summary: z.string(),
  backupName: z.string().nullable(),
  error: z.custom<ApiError>((value) => value === null || (typeof value === 'object' && value !== null && 'code' in value)).nullable(),
  poll: acceptedOperation.nullable(),
});
type StoredOperation = z.output<typeof storedOperation>;

export class StampOperationLog {
  private readonly file: JsonStateFile<StoredOperation[]>;
  private operations: StoredOperation[] | null = null;

  constructor(
    configDir: string,
    private readonly now: () => Date,
    private readonly publish: (operation: StampOperationView) => void,
    onInvalid: (notice: string) => void,
  ) {
    this.file = jsonStateFile(
      join(configDir, STAMP_OPERATIONS_FILE_NAME),
      (value) => {
        const parsed = z.array(storedOperation).safeParse(value);
        return parsed.success ? parsed.data : null;
      },
      onInvalid,
      now,
    );
  }

  /** Newest first. */
  async list(): Promise<StampOperationView[]> {
    return (await this.load()).map(view);
  }

  /** Operations still in progress, with where to poll them. */
  async inProgress(): Promise<Array<{ operationId: string; kind: StoredOperation['kind']; poll: AcceptedOperation }>> {
    return (await this.load()).flatMap((operation) =>
      operation.state === 'InProgress' && operation.poll
        ? [{ operationId: operation.operationId, kind: operation.kind, poll: operation.poll }]
        : [],
    );
  }

  async start(kind: StoredOperation['kind'], summary: string, poll: AcceptedOperation | null): Promise<StampOperationView> {
    const operations = await this.load();
    const operation: StoredOperation = {
      operationId: randomUUID(),
      kind,
      state: 'InProgress',
      startedAt: this.now().toISOString(),
      polledAt: null,
      finishedAt: null,
      summary,
      backupName: null,
      error: null,
      poll,
    };
    this.operations = [operation, ...operations].slice(0, KEPT_OPERATIONS);
    return this.save(operation);
  }

  async update(
    operationId: string,
    change: Partial<Pick<StoredOperation, 'state' | 'summary' | 'backupName' | 'error' | 'poll'>> & { polled?: boolean },
  ): Promise<StampOperationView | null> {
    const operation = (await this.load()).find((candidate) => candidate.operationId === operationId);
    if (!operation) return null;
    const { polled, ...fields } = change;
    Object.assign(operation, fields);
    if (polled) operation.polledAt = this.now().toISOString();
    if (operation.state !== 'InProgress' && operation.finishedAt === null) {
      operation.finishedAt = this.now().toISOString();
      operation.poll = null;
    }
    return this.save(operation);
  }

  async clear(): Promise<void> {
    this.operations = [];
    await this.file.save([]);
  }

  private async load(): Promise<StoredOperation[]> {
    this.operations ??= (await this.file.load()) ?? [];
    return this.operations;
  }

  private async save(operation: StoredOperation): Promise<StampOperationView> {
    await this.file.save(this.operations ?? []);
    const shown = view(operation);
    this.publish(shown);
    return shown;
  }
}

function view(operation: StoredOperation): StampOperationView {
  const { poll: _poll, ...shown } = operation;
  return shown;
}
