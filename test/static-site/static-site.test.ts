/** modules/static-site on its own: the prop checks, a custom domain, and binary files. */
import { expect } from "chai";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { StaticSite, type StaticSiteProps } from "../../modules/static-site";
import { isText, terraformLiteral } from "../../modules/static-site/headers";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tf = any;

const index = { path: "index.html", body: Buffer.from("<!doctype html><title>x</title>"), contentType: "text/html; charset=utf-8", cacheControl: "no-cache" };
const base: StaticSiteProps = { name: "t-site", files: [index], contentSecurityPolicy: "default-src 'self'", logs: { bucket: "logs", prefix: "site/" } };

function synth(props: Partial<StaticSiteProps>): Tf {
  const stack = new TerraformStack(Testing.app(), "t");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new StaticSite(stack, "Site", { ...base, ...props });
  return JSON.parse(Testing.synth(stack));
}

describe("StaticSite", function () {
  it("refuses a key with a leading slash, a file listed twice and a missing root object, naming the prop", function () {
    expect(() => synth({ files: [index, { ...index, path: "/a.js" }] })).to.throw(/files\[\]\.path.*leading "\/"/s);
    expect(() => synth({ files: [index, index] })).to.throw(/files\[\]\.path.*once/s);
    expect(() => synth({ files: [{ ...index, path: "home.html" }] })).to.throw(/defaultRootObject.*index\.html/s);
  });

  it("takes a custom domain with a us-east-1 certificate (TLS 1.2, SNI) and refuses a certificate elsewhere", function () {
    const doc = synth({ domain: { names: ["www.example.com"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" } });
    const dist = Object.values(doc.resource.aws_cloudfront_distribution)[0] as Tf;
    expect(dist.aliases).to.deep.equal(["www.example.com"]);
    expect(dist.viewer_certificate).to.include({ acm_certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" });
    expect(() => synth({ domain: { names: ["www.example.com"], certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" } })).to.throw(/domain\.certificateArn.*us-east-1/s);
  });

  it("uploads binary files as base64 and escapes Terraform template sequences in text", function () {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x24, 0x7b]);
    const doc = synth({ files: [index, { path: "a.png", body: png, contentType: "image/png", cacheControl: "no-cache" }, { path: "a.js", body: Buffer.from("x=`${y}%{z}`"), contentType: "text/javascript", cacheControl: "no-cache" }] });
    const objects = Object.values(doc.resource.aws_s3_object) as Tf[];
    expect(objects.find((o) => o.key === "a.png").content_base64).to.equal(png.toString("base64"));
    expect(objects.find((o) => o.key === "a.js").content).to.equal("x=`$${y}%%{z}`");
    expect(isText("image/png")).to.equal(false);
    expect(terraformLiteral("${a}")).to.equal("$${a}");
  });
});
