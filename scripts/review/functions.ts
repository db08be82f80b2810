/**
 * The functions of a synthesized stack and the exact permissions their roles grant,
 * from `cdk.tf.json` alone.
 */
import {
  asStack,
  block,
  blocks,
  isToken,
  parsePolicyJson,
  parseRef,
  refersTo,
  statementsOf,
  strings,
  type IamStatement,
  type StackJson,
  type TfStack,
} from "../../modules/tfjson";

export interface Grant {
  readonly source: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: readonly string[];
}

export interface FunctionModel {
  readonly name: string;
  readonly address: string;
  readonly runtime?: string;
  readonly memory?: number;
  readonly timeout?: number;
  readonly architectures: readonly string[];
  readonly reservedConcurrency?: number;
  readonly tracing?: string;
  readonly aliases: readonly { readonly name: string; readonly version: string }[];
  readonly role?: string;
  readonly grants: readonly Grant[];
  /** AWS managed or customer policies attached by ARN. */
  readonly attachedPolicies: readonly string[];
}

/**
 * A short, readable form of a Terraform expression inside a string:
 * `${aws_dynamodb_table.items_1234.arn}/index/*` → `aws_dynamodb_table[dev-Items].arn/index/*`.
 */
export function prettyExpression(stack: TfStack, value: string): string {
  return value.replace(/(?<!\$)\$\{((?:data\.)?aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g, (whole, type: string, name: string, attr: string) => {
    const r = stack.at(`${type}.${name}`);
    if (!r) return whole;
    const label = ["name", "function_name", "bucket", "email", "domain"].map((k) => r.attrs[k]).find((v) => typeof v === "string" && !isToken(v));
    return `${type}[${label ?? name}].${attr}`;
  });
}

function grantsOf(stack: TfStack, source: string, statements: readonly IamStatement[]): Grant[] {
  return statements.map((st) => ({
    source,
    effect: st.effect,
    actions: [...st.actions, ...st.notActions.map((a) => `NOT ${a}`)],
    resources: [...st.resources, ...st.notResources.map((r) => `NOT ${r}`)].map((r) => prettyExpression(stack, r)),
    conditions: st.conditions.map((c) => `${c.test} ${c.variable} = ${c.values.map((v) => prettyExpression(stack, v)).join(", ")}`),
  }));
}

export function buildFunctionModels(json: StackJson | TfStack): FunctionModel[] {
  const stack = asStack(json);
  return stack.ofType("aws_lambda_function").map((fn) => {
    const roleRef = parseRef(fn.attrs.role);
    const role = roleRef ? stack.at(roleRef.address) : undefined;
    const grants: Grant[] = [];
    const attached: string[] = [];
    if (role) {
      for (const p of blocks(role.attrs.inline_policy)) {
        grants.push(...grantsOf(stack, `inline ${String(p.name ?? "")}`.trim(), parsePolicyJson(p.policy) ?? []));
      }
      for (const p of stack.ofType("aws_iam_role_policy").filter((x) => refersTo(x.attrs.role, role.address) || x.attrs.role === role.attrs.name)) {
        grants.push(...grantsOf(stack, String(stack.resolve(p.attrs.name) ?? p.name), statementsOf(stack, p.attrs.policy) ?? []));
      }
      const arns = [
        ...strings(role.attrs.managed_policy_arns),
        ...stack.ofType("aws_iam_role_policy_attachment")
          .filter((a) => refersTo(a.attrs.role, role.address) || a.attrs.role === role.attrs.name)
          .map((a) => String(a.attrs.policy_arn)),
      ];
      for (const arn of arns) {
        const ref = parseRef(arn);
        const policy = ref?.address.startsWith("aws_iam_policy.") ? stack.at(ref.address) : undefined;
        if (policy) grants.push(...grantsOf(stack, `policy ${String(policy.attrs.name ?? policy.name)}`, statementsOf(stack, policy.attrs.policy) ?? []));
        else attached.push(prettyExpression(stack, arn));
      }
    }
    const aliases = stack.ofType("aws_lambda_alias")
      .filter((a) => refersTo(a.attrs.function_name, fn.address) || a.attrs.function_name === fn.attrs.function_name)
      .map((a) => {
        const v = String(a.attrs.function_version);
        return { name: String(a.attrs.name), version: refersTo(v, fn.address) && v.includes(".version}") ? "latest published" : prettyExpression(stack, v) };
      });
    const name = stack.resolve(fn.attrs.function_name);
    return {
      name: isToken(name) ? fn.name : String(name),
      address: fn.address,
      ...(fn.attrs.runtime ? { runtime: String(fn.attrs.runtime) } : {}),
      ...(typeof fn.attrs.memory_size === "number" ? { memory: fn.attrs.memory_size } : {}),
      ...(typeof fn.attrs.timeout === "number" ? { timeout: fn.attrs.timeout } : {}),
      architectures: strings(fn.attrs.architectures),
      ...(typeof fn.attrs.reserved_concurrent_executions === "number" ? { reservedConcurrency: fn.attrs.reserved_concurrent_executions } : {}),
      ...(block(fn.attrs.tracing_config)?.mode ? { tracing: String(block(fn.attrs.tracing_config)!.mode) } : {}),
      aliases,
      ...(role ? { role: String(isToken(role.attrs.name) || role.attrs.name === undefined ? role.name : role.attrs.name) } : {}),
      grants,
      attachedPolicies: attached,
    };
  });
}
