import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Bucket } from "../bucket";
import type { Environment } from "../config/environments";
import { PropError } from "../core/errors";
import { ServiceStack } from "../core/service-stack";
import { suppress } from "../policy/suppress";

/** `state-bootstrap-<env>` */
export function stateBootstrapStackId(env: Environment): string {
  return `state-bootstrap-${env.name}`;
}

/** Days a replaced state file version is kept: enough to recover from a bad apply. */
export const STATE_NONCURRENT_DAYS = 90;

/**
 * Creates the S3 bucket every other stack of the environment keeps its state in. Its own
 * state is local (`terraform.state-bootstrap-<env>.tfstate`): it is applied once, first,
 * before any stack with the S3 backend. The bucket has the bucket module's safe defaults
 * (versioning, encryption, TLS only, public access blocked) and `prevent_destroy`.
 */
export class StateBootstrapStack extends ServiceStack {
  readonly stateBucket: Bucket;

  constructor(scope: Construct, env: Environment) {
    const id = stateBootstrapStackId(env);
    const backend = env.backend;
    if (backend.kind !== "s3") {
      throw new PropError(
        id,
        "backend.kind",
        backend.kind,
        "the state-bootstrap stack creates the S3 state bucket: add it only for environments whose backend is s3.",
      );
    }
    super(scope, id, env, { backend: { kind: "local" } });

    this.stateBucket = new Bucket(this, "StateBucket", {
      bucketName: backend.bucket,
      noncurrentVersionExpirationDays: STATE_NONCURRENT_DAYS,
      ...(backend.region !== env.region ? { region: backend.region } : {}),
    });
    this.stateBucket.resource.lifecycle = { preventDestroy: true };
    suppress(
      this.stateBucket,
      "S3_6",
      "The state bucket is created before any other bucket, so no access-log bucket exists yet; audit state access with CloudTrail S3 data events.",
    );

    new TerraformOutput(this, "state_bucket", { value: this.stateBucket.bucketName });
  }
}
