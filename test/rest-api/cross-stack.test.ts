/**
 * A reference to another stack that appears only in what the API builds late (its routes'
 * resources, built once every route is known): cdktf must still turn it into a read of the
 * other stack's remote state. Built after cdktf's cross-stack pass, it stayed
 * `${aws_s3_bucket.Site.bucket_domain_name}`, a resource the API's stack does not declare,
 * and `terraform validate` refused the stack ("Reference to undeclared resource").
 */
import { expect } from "chai";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { loadStack } from "../../modules/tfjson";
import { mockIntegration, RestApi } from "../../modules/rest-api";
import type { Tf } from "./helpers";

function twoStacks() {
  const app = Testing.app() as App;
  const site = new TerraformStack(app, "site");
  new AwsProvider(site, "aws", { region: "us-east-1" });
  const bucket = new S3Bucket(site, "Site", { bucket: "site" });
  const apiStack = new TerraformStack(app, "api");
  new AwsProvider(apiStack, "aws", { region: "us-east-1" });
  // Two origins: the second (the other stack's) is read only by the response templates' origin echo.
  const api = new RestApi(apiStack, "Api", { cors: { allowOrigins: ["http://localhost:5173", `https://${bucket.bucketDomainName}`] } });
  api.addRoute("GET /items", {
    integration: mockIntegration({ integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": "[]" } }] }),
  });
  app.synth();
  return { outdir: app.outdir };
}

describe("rest-api: references to another stack in the built routes", () => {
  it("reads them from the other stack's remote state, which outputs them", () => {
    const { outdir } = twoStacks();
    const api: Tf = loadStack(outdir, "api").json;
    const site: Tf = loadStack(outdir, "site").json;
    const text = JSON.stringify(api.resource);
    expect(text, "no direct reference to the other stack's bucket").not.to.include("${aws_s3_bucket.");
    expect(Object.keys(api.data.terraform_remote_state)).to.deep.equal(["cross-stack-reference-input-site"]);
    const [output] = Object.keys(site.output).filter((o) => o.includes("bucket_domain_name"));
    expect(output, "the site stack outputs the bucket's domain").to.be.a("string");
    expect(site.output[output!].value).to.equal("${aws_s3_bucket.Site.bucket_domain_name}");
    const remote = `\${data.terraform_remote_state.cross-stack-reference-input-site.outputs.${output}}`;
    const templates = Object.values<Tf>(api.resource.aws_api_gateway_integration_response).map((r) => String(r.response_templates["application/json"]));
    expect(templates).to.have.length(2); // GET and the preflight
    for (const t of templates) expect(t).to.include(`$origin == "https://${remote}"`);
  });
});
