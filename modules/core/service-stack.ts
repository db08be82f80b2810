import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { configureBackend } from "../backend";
import type { Environment } from "../config/environments";

export interface ServiceStackProps {
  /** Override the environment's backend (the state-bootstrap stack uses `local`). @default the environment's `backend` */
  readonly backend?: Environment["backend"];
}

/**
 * Base of every stack: one AWS provider for the environment's region and account (any
 * other account's credentials fail the plan) with default tags,
 * and the environment's remote state. Stack ids are `<service>-<env>` (`todos-dev`).
 */
export class ServiceStack extends TerraformStack {
  readonly env: Environment;
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, env: Environment, props: ServiceStackProps = {}) {
    super(scope, id);
    this.env = env;
    this.provider = new AwsProvider(this, "aws", {
      region: env.region,
      allowedAccountIds: [env.accountId],
      defaultTags: [{ tags: { ...env.tags, Stack: id } }],
    });
    configureBackend(this, id, props.backend ?? env.backend);
  }

  /** The environment-prefixed physical name: `dev-` + `studentData`. */
  physicalName(name: string): string {
    return `${this.env.prefix}${name}`;
  }
}
