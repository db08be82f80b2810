import { SesDomainIdentity } from "@cdktf/provider-aws/lib/ses-domain-identity";
import { SesEmailIdentity } from "@cdktf/provider-aws/lib/ses-email-identity";
import { Construct } from "constructs";
import { PropError, isResolved } from "../core/errors";
import type { IGrantable, PolicyStatement } from "../core/grant";

export interface EmailProps {
  /** The one address mail is sent from; declared as an SES email identity. */
  readonly sender: string;
  /**
   * Addresses mail is sent to, declared as identities too (required while the account is
   * in the SES sandbox). The sender is never declared twice.
   * @default no recipient identities
   */
  readonly recipients?: readonly string[];
  /**
   * A domain to verify as well (for DKIM and sending from other addresses later).
   * @default no domain identity
   */
  readonly domain?: string;
}

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DOMAIN_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);
const LOCAL_RE = /^[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+=?^_`{|}~-]+)*$/;

/** Why a domain name is unusable as an SES identity, or undefined when it is valid. */
export function domainProblem(domain: string): string | undefined {
  if (domain.length > 253 || !DOMAIN_RE.test(domain)) {
    return "give a fully qualified domain name such as example.com.";
  }
  return undefined;
}

/** Why an address is unusable as an SES identity, or undefined when it is valid. */
export function emailAddressProblem(address: string): string | undefined {
  const fix = "give a plain address such as no-reply@example.com (no display name, no spaces).";
  if (address.length > 254) return fix;
  const at = address.lastIndexOf("@");
  if (at <= 0) return fix;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_RE.test(local) || domainProblem(domain) !== undefined) return fix;
  return undefined;
}

/** The actions `grantSend` allows. */
export const SEND_ACTIONS: readonly string[] = ["ses:SendEmail", "ses:SendRawEmail"];

/**
 * SES (v1) identities for one sender and its recipients. `grantSend` lets a function send
 * from the sender address only: the sender identity ARN, with a `ses:FromAddress` condition.
 */
export class Email extends Construct {
  readonly sender: string;
  readonly senderArn: string;
  readonly recipients: readonly string[];
  readonly senderIdentity: SesEmailIdentity;
  readonly recipientIdentities: readonly SesEmailIdentity[];
  readonly domainIdentity?: SesDomainIdentity;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    const where = this.node.path;
    const check = (prop: string, address: string): void => {
      if (typeof address !== "string") {
        throw new PropError(where, prop, address, "give a plain address such as no-reply@example.com.");
      }
      if (!isResolved(address)) return;
      const problem = emailAddressProblem(address);
      if (problem) throw new PropError(where, prop, address, problem);
    };
    check("sender", props.sender);
    const recipients = props.recipients ?? [];
    recipients.forEach((r, i) => check(`recipients[${i}]`, r));
    if (props.domain !== undefined && isResolved(props.domain)) {
      const problem = domainProblem(props.domain);
      if (problem) throw new PropError(where, "domain", props.domain, problem);
    }

    this.sender = props.sender;
    this.senderIdentity = new SesEmailIdentity(this, "Sender", { email: props.sender });
    this.senderArn = this.senderIdentity.arn;

    // One identity per address, case-insensitively; the sender is already declared.
    const seen = new Set([props.sender.toLowerCase()]);
    const unique = recipients.filter((r) => {
      const key = r.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    this.recipients = [...recipients];
    this.recipientIdentities = unique.map(
      (r, i) => new SesEmailIdentity(this, isResolved(r) ? `Recipient-${r}` : `Recipient${i}`, { email: r }),
    );
    if (props.domain !== undefined) {
      this.domainIdentity = new SesDomainIdentity(this, "Domain", { domain: props.domain });
    }
  }

  /** The statement `grantSend` adds. */
  sendStatement(): PolicyStatement {
    return {
      actions: [...SEND_ACTIONS],
      resources: [this.senderArn],
      conditions: { StringEquals: { "ses:FromAddress": [this.sender] } },
    };
  }

  /** ses:SendEmail and ses:SendRawEmail on the sender identity only, from the sender address only. */
  grantSend(grantee: IGrantable): void {
    grantee.addToRolePolicy(this.sendStatement());
  }
}

/** The same construct under the name the issue uses. */
export { Email as EmailIdentity };
