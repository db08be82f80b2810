import { expect } from "chai";
import { Email, emailAddressProblem, type EmailProps } from "../../modules/email";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { policyDocument } from "../../modules/core/grant";
import { FakeGrantee, only, policyResult, resources, serviceStack, synth } from "../table/support";

function emailIn(props: EmailProps) {
  const stack = serviceStack("mail");
  const email = new Email(stack, "Email", props);
  return { stack, email, out: synth(stack) };
}

function senderRef(out: ReturnType<typeof synth>): string {
  const [id] = Object.entries(resources(out, "aws_ses_email_identity")).find(([, v]) => v.email === "no-reply@dev.example.com")!;
  return `\${aws_ses_email_identity.${id}.arn}`;
}

describe("email", () => {
  it("declares the sender as an SES email identity", () => {
    const { out } = emailIn({ sender: "no-reply@dev.example.com" });
    expect(only(out, "aws_ses_email_identity")).to.deep.equal({ email: "no-reply@dev.example.com" });
    expect(resources(out, "aws_ses_domain_identity")).to.deep.equal({});
  });

  it("declares each recipient once, never the sender twice", () => {
    const { out, email } = emailIn({
      sender: "no-reply@dev.example.com",
      recipients: ["admin@dev.example.com", "Admin@dev.example.com", "NO-REPLY@dev.example.com", "ops@dev.example.com"],
    });
    const emails = Object.values(resources(out, "aws_ses_email_identity")).map((r) => r.email);
    expect(emails).to.have.members(["no-reply@dev.example.com", "admin@dev.example.com", "ops@dev.example.com"]);
    expect(emails).to.have.length(3);
    expect(email.recipientIdentities).to.have.length(2);
  });

  it("declares a domain identity when asked", () => {
    const { out } = emailIn({ sender: "no-reply@dev.example.com", domain: "dev.example.com" });
    expect(only(out, "aws_ses_domain_identity")).to.deep.equal({ domain: "dev.example.com" });
  });

  it("grantSend allows SendEmail and SendRawEmail on the sender identity, from the sender address only", () => {
    const { stack, email, out } = emailIn({ sender: "no-reply@dev.example.com", recipients: ["admin@dev.example.com"] });
    const fn = new FakeGrantee();
    email.grantSend(fn);
    expect(fn.statements).to.have.length(1);
    expect(fn.document(stack).Statement).to.deep.equal([
      {
        Effect: "Allow",
        Action: ["ses:SendEmail", "ses:SendRawEmail"],
        Resource: senderRef(out),
        Condition: { StringEquals: { "ses:FromAddress": ["no-reply@dev.example.com"] } },
      },
    ]);
  });

  it("satisfies the SES policy rule: the address grantSend allows is a declared identity", () => {
    const stack = serviceStack("mail");
    const email = new Email(stack, "Email", { sender: "no-reply@dev.example.com" });
    const fn = new FakeGrantee();
    email.grantSend(fn);
    new IamRolePolicy(stack, "Policy", { role: "fn-role", policy: policyDocument(fn.statements) });
    expect(policyResult(stack).findings).to.deep.equal([]);

    // The same grant for an address that is not declared breaks the rule: the check is real.
    const other = serviceStack("mail");
    const undeclared = {
      ...fn.statements[0]!,
      resources: ["arn:aws:ses:us-east-1:111122223333:identity/x@example.com"],
      conditions: { StringEquals: { "ses:FromAddress": ["x@example.com"] } },
    };
    new IamRolePolicy(other, "Policy", { role: "fn-role", policy: policyDocument([undeclared]) });
    expect(policyResult(other).findings.map((f) => f.ruleId)).to.deep.equal(["SES1"]);
  });

  describe("prop validation", () => {
    const cases: [string, EmailProps, string][] = [
      ["a sender without a domain", { sender: "no-reply" }, 'mail-dev/Email: "sender" is "no-reply": give a plain address such as no-reply@example.com (no display name, no spaces).'],
      ["a sender with a display name", { sender: "Acme <no-reply@example.com>" }, 'mail-dev/Email: "sender" is "Acme <no-reply@example.com>": give a plain address'],
      ["a domain without a dot", { sender: "a@localhost" }, '"sender" is "a@localhost"'],
      ["an empty local part", { sender: "@example.com" }, '"sender" is "@example.com"'],
      ["adjacent dots", { sender: "a..b@example.com" }, '"sender" is "a..b@example.com"'],
      ["a bad recipient", { sender: "a@example.com", recipients: ["ok@example.com", "not an address"] }, 'mail-dev/Email: "recipients[1]" is "not an address": give a plain address'],
      ["a bad domain", { sender: "a@example.com", domain: "-example.com" }, 'mail-dev/Email: "domain" is "-example.com": give a fully qualified domain name such as example.com.'],
    ];
    for (const [name, props, message] of cases) {
      it(`rejects ${name}`, () => {
        expect(() => emailIn(props)).to.throw(message);
      });
    }

    it("accepts ordinary addresses", () => {
      for (const ok of ["no-reply@example.com", "first.last+tag@sub.example.co.uk", "x_1@a-b.io"]) {
        expect(emailAddressProblem(ok), ok).to.equal(undefined);
      }
    });
  });
});
