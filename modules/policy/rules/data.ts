import type { Rule } from "../types";
import { block, isToken, permissionPolicies, PERMISSION_POLICY_TYPES, type TfStack } from "../../tfjson";

/** Environment variable names that carry a sender address (`SENDER_EMAIL`, `REPORT_SENDER_EMAIL`). */
export const SENDER_VARIABLE = /(^|_)SENDER_EMAIL$/;

/** Addresses and domains declared as SES identities in the stack. */
function declaredIdentities(stack: TfStack): { emails: Set<string>; domains: Set<string> } {
  const emails = new Set<string>();
  const domains = new Set<string>();
  for (const r of stack.ofType("aws_ses_email_identity")) {
    if (typeof r.attrs.email === "string") emails.add(r.attrs.email.toLowerCase());
  }
  for (const r of stack.ofType("aws_ses_domain_identity")) {
    if (typeof r.attrs.domain === "string") domains.add(r.attrs.domain.toLowerCase());
  }
  for (const r of stack.ofType("aws_sesv2_email_identity")) {
    const id = String(r.attrs.email_identity ?? "").toLowerCase();
    (id.includes("@") ? emails : domains).add(id);
  }
  return { emails, domains };
}

/** True when a sender (literal or reference) is a declared identity. Unknown expressions pass. */
function isDeclared(stack: TfStack, sender: string): boolean {
  // A reference (to an identity, a variable, another resource) cannot name an undeclared
  // literal address; only literal senders are checked.
  if (isToken(sender)) return true;
  const ids = declaredIdentities(stack);
  const s = sender.toLowerCase();
  return ids.emails.has(s) || ids.domains.has(s.split("@")[1] ?? "");
}

export const dataRules: readonly Rule[] = [
  {
    id: "DDB1",
    severity: "error",
    title: "DynamoDB tables have point-in-time recovery",
    appliesTo: ["aws_dynamodb_table"],
    check(r) {
      if (block(r.attrs.point_in_time_recovery)?.enabled === true) return [];
      return [{ message: `table "${String(r.attrs.name)}" has point-in-time recovery off`, fix: "set point_in_time_recovery { enabled = true }" }];
    },
  },
  {
    id: "DDB2",
    severity: "error",
    title: "DynamoDB tables declare server-side encryption",
    appliesTo: ["aws_dynamodb_table"],
    check(r) {
      if (block(r.attrs.server_side_encryption)?.enabled === true) return [];
      return [{ message: `table "${String(r.attrs.name)}" does not declare server-side encryption`, fix: "set server_side_encryption { enabled = true } (a KMS key of your own)" }];
    },
  },
  {
    id: "LOG1",
    severity: "error",
    title: "CloudWatch log groups set a retention",
    appliesTo: ["aws_cloudwatch_log_group"],
    check(r) {
      const days = r.attrs.retention_in_days;
      if (typeof days === "number" ? days > 0 : isToken(days)) return [];
      return [{ message: `log group "${String(r.attrs.name ?? r.name)}" keeps logs forever`, fix: "set retention_in_days (the environment's logRetentionDays)" }];
    },
  },
  {
    id: "SES1",
    severity: "error",
    title: "Email senders are declared SES identities",
    appliesTo: ["aws_lambda_function", ...PERMISSION_POLICY_TYPES],
    check(r, stack) {
      const senders: { sender: string; where: string }[] = [];
      if (r.type === "aws_lambda_function") {
        const vars = (block(r.attrs.environment)?.variables ?? {}) as Record<string, unknown>;
        for (const [k, v] of Object.entries(vars)) if (SENDER_VARIABLE.test(k)) senders.push({ sender: String(v), where: `environment variable ${k}` });
      } else {
        for (const p of permissionPolicies(r)) {
          for (const st of p.statements) {
            for (const c of st.conditions) {
              if (c.variable.toLowerCase() === "ses:fromaddress") for (const v of c.values) senders.push({ sender: v, where: `${p.label} condition ses:FromAddress` });
            }
          }
        }
      }
      return senders
        .filter((s) => !isDeclared(stack, s.sender))
        .map((s) => ({
          message: `${s.where} sends as "${s.sender}", which is not a declared SES identity in this stack`,
          fix: "declare it with aws_ses_email_identity (the email module) or use a declared address",
        }));
    },
  },
];
