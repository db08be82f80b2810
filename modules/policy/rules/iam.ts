import type { Rule, Violation } from "../types";
import {
  blocks,
  PERMISSION_POLICY_TYPES,
  parseRef,
  permissionPolicies,
  statementsOf,
  strings,
  typeKey,
  type IamStatement,
  type TfResource,
} from "../../tfjson";

/**
 * Actions that accept only `Resource: "*"` (the IAM service authorization reference lists
 * no resource type for them), so a wildcard resource is the only possible grant. Kept
 * deliberately small: add an action only with its reference page in mind.
 */
export const RESOURCE_STAR_ONLY_ACTIONS: readonly string[] = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "cloudwatch:PutMetricData",
  "ec2:DescribeNetworkInterfaces",
  "sts:GetCallerIdentity",
];

const MANAGED_ARN = /^arn:[^:]*:iam::aws:policy\//;
const ADMIN_MANAGED = /(AdministratorAccess|PowerUserAccess|FullAccess)$/;

/** Managed policy ARNs a resource attaches. */
function attachedPolicyArns(r: TfResource): string[] {
  switch (r.type) {
    case "aws_iam_role_policy_attachment":
    case "aws_iam_policy_attachment":
    case "aws_iam_user_policy_attachment":
    case "aws_iam_group_policy_attachment":
      return strings(r.attrs.policy_arn);
    case "aws_iam_role":
      return strings(r.attrs.managed_policy_arns);
    case "aws_iam_role_policy_attachments_exclusive":
      return strings(r.attrs.policy_arns);
    default:
      return [];
  }
}

const ATTACHMENT_TYPES = [
  "aws_iam_role_policy_attachment",
  "aws_iam_policy_attachment",
  "aws_iam_user_policy_attachment",
  "aws_iam_group_policy_attachment",
  "aws_iam_role",
  "aws_iam_role_policy_attachments_exclusive",
];

function allows(r: TfResource): { label: string; st: IamStatement }[] {
  return permissionPolicies(r).flatMap((p) =>
    p.statements.filter((st) => st.effect === "Allow").map((st) => ({ label: p.label, st })),
  );
}

const where = (label: string, st: IamStatement) => `${label}${st.sid ? ` statement "${st.sid}"` : ""}`;

function isAssumeAction(a: string): boolean {
  return a === "*" || a === "sts:*" || /^sts:AssumeRole/i.test(a);
}

export const iamRules: readonly Rule[] = [
  {
    id: "IAM1",
    severity: "error",
    title: "No wildcard actions in IAM policies",
    appliesTo: PERMISSION_POLICY_TYPES,
    check(r) {
      const out: Violation[] = [];
      for (const { label, st } of allows(r)) {
        const wild = st.actions.filter((a) => a.includes("*"));
        if (wild.length > 0) {
          out.push({
            message: `${where(label, st)} allows wildcard actions ${wild.map((a) => `"${a}"`).join(", ")}`,
            fix: "list the exact actions the code calls",
          });
        }
        if (st.notActions.length > 0) {
          out.push({ message: `${where(label, st)} allows everything but ${st.notActions.join(", ")} (NotAction)`, fix: "list the exact actions instead of NotAction" });
        }
      }
      return out;
    },
  },
  {
    id: "IAM2",
    severity: "error",
    title: 'No Resource "*" for actions that support resource scoping',
    appliesTo: PERMISSION_POLICY_TYPES,
    check(r) {
      const out: Violation[] = [];
      for (const { label, st } of allows(r)) {
        if (st.principals.length > 0) continue; // a resource or trust policy, not a permission grant
        if (!st.resources.includes("*")) continue;
        const scoped = st.actions.filter((a) => !RESOURCE_STAR_ONLY_ACTIONS.includes(a));
        if (scoped.length === 0) continue;
        out.push({
          message: `${where(label, st)} grants ${scoped.join(", ")} on Resource "*"`,
          fix: "name the exact resource ARNs (only actions that accept nothing but \"*\" may use it)",
        });
      }
      return out;
    },
  },
  {
    id: "IAM3",
    severity: "error",
    title: "No AWS managed policies",
    appliesTo: ATTACHMENT_TYPES,
    check(r) {
      return attachedPolicyArns(r)
        .filter((arn) => MANAGED_ARN.test(arn))
        .map((arn) => ({
          message: `attaches the AWS managed policy ${arn}`,
          fix: "replace it with an inline least-privilege policy on exact ARNs",
        }));
    },
  },
  {
    id: "IAM4",
    severity: "error",
    title: "No administrator or full-access grants",
    appliesTo: [...PERMISSION_POLICY_TYPES, ...ATTACHMENT_TYPES.filter((t) => t !== "aws_iam_role")],
    check(r) {
      const out: Violation[] = attachedPolicyArns(r)
        .filter((arn) => ADMIN_MANAGED.test(arn))
        .map((arn) => ({ message: `attaches ${arn}, an administrator or full-access policy`, fix: "grant only the exact actions needed" }));
      for (const { label, st } of allows(r)) {
        if (st.actions.includes("*") || st.actions.includes("iam:*")) {
          out.push({ message: `${where(label, st)} grants administrator access (${st.actions.includes("*") ? '"*"' : '"iam:*"'})`, fix: "grant only the exact actions needed" });
          continue;
        }
        const full = st.actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a));
        if (full.length > 0 && st.resources.includes("*")) {
          out.push({ message: `${where(label, st)} grants full access (${full.join(", ")} on "*")`, fix: "grant only the exact actions on the exact resources" });
        }
      }
      return out;
    },
  },
  {
    id: "IAM5",
    severity: "error",
    title: "Assume-role policies name their principals",
    appliesTo: ["aws_iam_role", "data.aws_iam_policy_document"],
    check(r, stack) {
      // A role whose trust policy is a policy document data source is reported on that data source.
      if (typeKey(r) === "aws_iam_role" && parseRef(r.attrs.assume_role_policy)) return [];
      const statements = typeKey(r) === "aws_iam_role" ? statementsOf(stack, r.attrs.assume_role_policy) : permissionPolicies(r)[0]?.statements;
      const out: Violation[] = [];
      for (const st of statements ?? []) {
        if (st.effect !== "Allow" || !st.actions.some(isAssumeAction)) continue;
        const open = st.principals.filter((p) => p === "*" || p === "AWS:*");
        if (open.length === 0 || st.conditions.length > 0) continue;
        out.push({
          message: `${st.sid ? `statement "${st.sid}" ` : ""}lets any principal ("*") assume the role`,
          fix: "name the service (lambda.amazonaws.com, apigateway.amazonaws.com) or account that may assume it",
        });
      }
      return out;
    },
  },
  {
    id: "IAM6",
    severity: "warning",
    title: "IAM policies are literal JSON or policy documents, so the IAM rules can read them",
    appliesTo: ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"],
    check(r, stack) {
      const documents: { label: string; value: unknown }[] =
        r.type === "aws_iam_role"
          ? [
              { label: "assume_role_policy", value: r.attrs.assume_role_policy },
              ...blocks(r.attrs.inline_policy).map((p) => ({ label: `inline_policy ${String(p.name ?? "")}`.trim(), value: p.policy })),
            ]
          : [{ label: "policy", value: r.attrs.policy }];
      return documents
        .filter((d) => d.value !== undefined && statementsOf(stack, d.value) === undefined)
        .map((d) => ({
          message: `${d.label} is an expression the policy rules cannot read, so IAM1-IAM5 cannot check it`,
          fix: "build the document as literal JSON (policyDocument) or a data aws_iam_policy_document in the same stack",
        }));
    },
  },
];
