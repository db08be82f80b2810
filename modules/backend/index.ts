import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import type { BackendConfig } from "../config/environments";

/**
 * Remote state for one stack.
 * - `s3`: key `<stack>/terraform.tfstate`, encrypted, with Terraform's S3-native lock file
 *   (`use_lockfile`, Terraform >= 1.10; cdktf 0.21 has no typed prop, so an override renders it).
 * - `cloud`: Terraform Cloud, one workspace per stack (`<workspacePrefix><stack>`).
 * - `local`: a state file beside the stack (the state-bootstrap stack, tests).
 */
export function configureBackend(stack: TerraformStack, stackName: string, backend: BackendConfig): void {
  switch (backend.kind) {
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${stackName}/terraform.tfstate`,
        region: backend.region,
        encrypt: true,
      });
      s3.addOverride("use_lockfile", true);
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        hostname: backend.hostname,
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(`${backend.workspacePrefix}${stackName}`),
      });
      return;
    case "local":
      new LocalBackend(stack, { path: `terraform.${stackName}.tfstate` });
      return;
  }
}
