/**
 * The changes `terraform-check` makes to a scratch copy of each synthesized stack so that real
 * Terraform can check it offline, each reported: pure functions on the stack's JSON.
 *
 * - validate: the AWS provider pinned to the mirror's version, a local backend, and, when that
 *   version's schema lacks the per-resource `region` argument (provider 6.x has it on every
 *   resource, 5.x on none), `region` dropped from the resources that set it.
 * - plan: besides, fake credentials with every provider call at configure time skipped, no
 *   `allowed_account_ids` (there is no account to compare), remote states read from local files
 *   holding every producing stack's outputs as placeholder strings, and the data sources that
 *   would call AWS replaced by what they would return (`aws_caller_identity`'s account id from
 *   `allowed_account_ids`, `aws_sns_topic`'s ARN from its name).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Resource types whose schema (in the pinned provider) has an argument named `region`. */
export type HasRegion = (resourceType: string) => boolean;

/** Pins the AWS provider, replaces the backend with a local one, drops unsupported `region`s; returns what was dropped. */
export function forValidate(doc: Json, awsVersion: string | undefined, hasRegion: HasRegion | undefined): string[] {
  const notes: string[] = [];
  const aws = doc.terraform?.required_providers?.aws;
  if (aws && awsVersion) aws.version = awsVersion;
  // a local backend in place of the stack's (s3, or Terraform Cloud's `cloud` block)
  const { cloud: _cloud, ...terraform } = doc.terraform ?? {};
  doc.terraform = { ...terraform, backend: { local: { path: "terraform.tfstate" } } };
  if (!hasRegion) return notes;
  for (const [type, byName] of Object.entries<Json>(doc.resource ?? {})) {
    if (hasRegion(type)) continue;
    for (const [name, body] of Object.entries<Json>(byName)) {
      if (body && typeof body === "object" && "region" in body) {
        notes.push(`${type}.${name}: dropped region = ${JSON.stringify(body.region)} (a provider 6.x argument)`);
        delete body.region;
      }
    }
  }
  return notes;
}

/** The outputs of a stack as a Terraform state file (version 4) whose values are placeholders. */
export function fakeState(doc: Json): Json {
  const outputs = Object.fromEntries(Object.keys(doc.output ?? {}).map((o) => [o, { value: `fake-${o}`, type: "string" }]));
  return { version: 4, terraform_version: "1.0.0", serial: 1, lineage: "terraform-check", outputs, resources: [] };
}

/**
 * Makes a stack plannable offline. `stateFileOf(key)` maps a remote state's `key`
 * (`<stack>/terraform.tfstate`) or workspace name to a local state file, or undefined.
 * Returns the changed document and notes.
 */
export function forPlan(doc: Json, stateFileOf: (config: Json) => string | undefined): { doc: Json; notes: string[] } {
  const notes: string[] = [];
  for (const provider of [doc.provider?.aws ?? []].flat()) {
    const account = provider.allowed_account_ids?.[0] ?? "123456789012";
    delete provider.allowed_account_ids;
    Object.assign(provider, {
      access_key: "AKIAIOSFODNN7EXAMPLE",
      secret_key: "terraform-check-offline",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      max_retries: 1,
    });
    doc = replaceDataSources(doc, account, String(provider.region ?? "us-east-1"), notes);
  }
  for (const [name, rs] of Object.entries<Json>(doc.data?.terraform_remote_state ?? {})) {
    const file = stateFileOf(rs.config ?? {});
    if (!file) {
      notes.push(`data.terraform_remote_state.${name}: no stack here produces it; left as it is`);
      continue;
    }
    rs.backend = "local";
    rs.config = { path: file };
    delete rs.workspace;
  }
  return { doc, notes };
}

function replaceDataSources(doc: Json, account: string, region: string, notes: string[]): Json {
  let text = JSON.stringify(doc);
  const data = doc.data ?? {};
  for (const name of Object.keys(data.aws_caller_identity ?? {})) {
    text = text.split(`\${data.aws_caller_identity.${name}.account_id}`).join(account);
    notes.push(`data.aws_caller_identity.${name}: account_id = ${account} (allowed_account_ids)`);
  }
  for (const [name, topic] of Object.entries<Json>(data.aws_sns_topic ?? {})) {
    const arn = `arn:aws:sns:${region}:${account}:${topic.name}`;
    text = text.split(`\${data.aws_sns_topic.${name}.arn}`).join(arn);
    notes.push(`data.aws_sns_topic.${name}: arn = ${arn}`);
  }
  const out = JSON.parse(text);
  // drop the replaced data sources, unless another attribute of theirs is still read
  for (const type of ["aws_caller_identity", "aws_sns_topic"]) {
    for (const name of Object.keys(out.data?.[type] ?? {})) {
      if (!text.includes(`data.${type}.${name}.`)) delete out.data[type][name];
    }
    if (out.data?.[type] && Object.keys(out.data[type]).length === 0) delete out.data[type];
  }
  if (out.data && Object.keys(out.data).length === 0) delete out.data;
  return out;
}
