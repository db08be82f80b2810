import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PropError } from "../core/errors";
import type { IGrantable } from "../core/grant";
import { ServiceStack } from "../core/service-stack";

export interface QueueProps {
  /** @default the ServiceStack's prefixed name for the construct id (`dev-` + id) */
  readonly queueName?: string;
  /** How long an unread message is kept, 60..1209600 s. @default 1209600 (14 days, SQS's maximum) */
  readonly retentionSeconds?: number;
}

/** The actions `grantSend` allows. */
export const QUEUE_SEND_ACTIONS: readonly string[] = ["sqs:SendMessage"];

/**
 * An SQS queue for messages someone reads later, such as a dead-letter queue or a Lambda
 * on-failure destination: encrypted at rest with SQS-managed keys (SSE-SQS) and kept for
 * the longest SQS allows, so a failure found a week later can still be inspected.
 */
export class Queue extends Construct {
  readonly queueName: string;
  readonly arn: string;
  readonly url: string;
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: QueueProps = {}) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const queueName = props.queueName ?? (stack instanceof ServiceStack ? stack.physicalName(id) : id);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(queueName)) {
      throw new PropError(this, "queueName", queueName, "use 1 to 80 letters, digits, hyphens or underscores (SQS's rule for standard queues).");
    }
    const retention = props.retentionSeconds ?? 1_209_600;
    if (!Number.isInteger(retention) || retention < 60 || retention > 1_209_600) {
      throw new PropError(this, "retentionSeconds", retention, "use a whole number of seconds from 60 to 1209600 (14 days).");
    }
    this.queueName = queueName;
    this.queue = new SqsQueue(this, "Queue", {
      name: queueName,
      messageRetentionSeconds: retention,
      sqsManagedSseEnabled: true,
    });
    this.arn = this.queue.arn;
    this.url = this.queue.url;
  }

  /** `sqs:SendMessage` on this queue only. */
  grantSend(grantee: IGrantable): void {
    grantee.addToRolePolicy({ actions: [...QUEUE_SEND_ACTIONS], resources: [this.arn] });
  }
}
