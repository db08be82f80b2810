/**
 * The restore's two ways of writing items back, both with a bounded number of requests in
 * flight and exact counts: `Batcher` (BatchWriteItem, 25 items a request, unprocessed items
 * retried with backoff) for `overwrite`, `ConditionalWriter` (PutItem only where the key does
 * not exist yet; an existing item is counted as skipped) for `skip`. `settle()` waits for
 * every write in flight however it ends, so the counts are final after a failure.
 */
import { BatchWriteItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { isAwsError } from "../lib/errors.js";

/** The table's key attribute, which `skip` mode conditions on. */
export const KEY_ATTRIBUTE = "studentid";

/**
 * Writes in flight, at most `limit` at once. The first failure is kept and thrown by the next
 * `add` or by `drain`, even when the failed write settled while nobody was waiting on it.
 */
class InFlight {
  private readonly pending = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async add(write: Promise<void>): Promise<void> {
    this.check();
    const p: Promise<void> = write.then(
      () => undefined,
      (error: unknown) => void (this.failure ??= { error }),
    );
    const tracked = p.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    if (this.pending.size >= this.limit) await Promise.race(this.pending);
    this.check();
  }

  /** Waits for every write in flight; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
    this.check();
  }

  /** Waits for every write in flight to end, however it ends, so the counts are final. */
  async settle(): Promise<void> {
    await Promise.all(this.pending);
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** Writes through BatchWriteItem, 25 items a request, at most 4 requests in flight. */
export class Batcher {
  private batch: WriteRequest[] = [];
  private readonly inFlight = new InFlight(4);
  written = 0;
  readonly skipped = 0;

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
  ) {}

  get restored(): number {
    return this.written;
  }

  async add(item: Record<string, AttributeValue>): Promise<void> {
    this.batch.push({ PutRequest: { Item: item } });
    if (this.batch.length === 25) await this.flush();
  }

  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight.drain();
  }

  settle(): Promise<void> {
    return this.inFlight.settle();
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const requests = this.batch;
    this.batch = [];
    await this.inFlight.add(this.write(requests));
  }

  private async write(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 8) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after retries`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await this.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }));
      const left = out.UnprocessedItems?.[this.table] ?? [];
      this.written += pending.length - left.length;
      pending = left;
    }
  }
}

/** Writes each item with a condition that it does not exist yet, at most 16 at once; an existing one is skipped. */
export class ConditionalWriter {
  private readonly inFlight = new InFlight(16);
  restored = 0;
  skipped = 0;

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
  ) {}

  async add(item: Record<string, AttributeValue>): Promise<void> {
    const write = this.dynamodb
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: "attribute_not_exists(#k)",
          ExpressionAttributeNames: { "#k": KEY_ATTRIBUTE },
        }),
      )
      .then(
        () => void (this.restored += 1),
        (err: unknown) => {
          if (isAwsError(err, "ConditionalCheckFailedException")) this.skipped += 1;
          else throw err;
        },
      );
    await this.inFlight.add(write);
  }

  drain(): Promise<void> {
    return this.inFlight.drain();
  }

  settle(): Promise<void> {
    return this.inFlight.settle();
  }
}
