import { expect } from "chai";
import { Testing } from "cdktf";
import { mockIntegration, RestApi, sourceIpPolicy, vpcPolicy } from "../../modules/rest-api";
import { propError, refTo, synth, testStack } from "./helpers";

describe("rest-api: API settings", () => {
  it("is REGIONAL by default, with no policy, binary types or compression", () => {
    const stack = testStack();
    new RestApi(stack, "Api").addRoute("GET /x", { integration: mockIntegration() });
    const api = synth(stack).one("aws_api_gateway_rest_api");
    expect(api).to.deep.equal({ name: "Api", endpoint_configuration: { types: ["REGIONAL"] } });
  });

  it("sets binary media types, endpoint type, description, compression, key source and the disabled default endpoint", () => {
    const stack = testStack();
    new RestApi(stack, "Images", {
      name: "image-api",
      description: "images",
      binaryMediaTypes: ["image/*", "multipart/form-data"],
      endpointType: "EDGE",
      minimumCompressionSize: 1024,
      apiKeySource: "HEADER",
      disableExecuteApiEndpoint: true,
    }).addRoute("GET /x", { integration: mockIntegration() });
    expect(synth(stack).one("aws_api_gateway_rest_api")).to.deep.equal({
      name: "image-api",
      description: "images",
      binary_media_types: ["image/*", "multipart/form-data"],
      endpoint_configuration: { types: ["EDGE"] },
      minimum_compression_size: "1024",
      api_key_source: "HEADER",
      disable_execute_api_endpoint: true,
    });
  });

  it("makes a PRIVATE API reachable through its VPC endpoints", () => {
    const stack = testStack();
    new RestApi(stack, "Api", {
      endpointType: "PRIVATE",
      vpcEndpointIds: ["vpce-0123"],
      policy: vpcPolicy({ vpcEndpointIds: ["vpce-0123"] }),
    }).addRoute("GET /x", { integration: mockIntegration() });
    const api = synth(stack).one("aws_api_gateway_rest_api");
    expect(api.endpoint_configuration).to.deep.equal({ types: ["PRIVATE"], vpc_endpoint_ids: ["vpce-0123"] });
    const policy = JSON.parse(api.policy);
    expect(policy.Statement[1]).to.deep.include({ Effect: "Deny", Condition: { StringNotEquals: { "aws:SourceVpce": ["vpce-0123"] } } });
  });

  it("restricts callers to source CIDR ranges with a resource policy", () => {
    const stack = testStack();
    new RestApi(stack, "Music", { policy: sourceIpPolicy(["203.0.113.0/24", "2001:db8::/32"]) }).addRoute("GET /x", { integration: mockIntegration() });
    const policy = JSON.parse(synth(stack).one("aws_api_gateway_rest_api").policy);
    expect(policy).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AllowInvoke", Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
        {
          Sid: "DenyOutsideAllowList",
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: { NotIpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] } },
        },
      ],
    });
  });

  it("customizes gateway responses, adding the CORS headers when CORS is on", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { cors: { allowOrigins: ["https://www.example.com"] } });
    api.addRoute("GET /x", { integration: mockIntegration() });
    api.addGatewayResponse("UNAUTHORIZED", {
      statusCode: "401",
      headers: { "WWW-Authenticate": "Bearer" },
      templates: { "application/json": '{"message":$context.error.messageString}' },
    });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_gateway_response", (g) => g.response_type === "UNAUTHORIZED")).to.deep.include({
      status_code: "401",
      response_parameters: {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'https://www.example.com'",
        "gatewayresponse.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
        "gatewayresponse.header.WWW-Authenticate": "'Bearer'",
      },
      response_templates: { "application/json": '{"message":$context.error.messageString}' },
    });
    expect(s.find("aws_api_gateway_gateway_response").map((g) => g.response_type).sort()).to.deep.equal(["DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED"]);
  });

  it("serves a stage under a custom domain and outputs the DNS alias target", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { stages: { dev: {}, prod: {} } });
    api.addRoute("GET /x", { integration: mockIntegration() });
    const domain = api.addDomainName("api.example.com", { certificateArn: "arn:aws:acm:us-east-1:1:certificate/abc", stage: "prod", basePath: "v1" });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_domain_name")).to.deep.equal({
      domain_name: "api.example.com",
      regional_certificate_arn: "arn:aws:acm:us-east-1:1:certificate/abc",
      endpoint_configuration: { types: ["REGIONAL"] },
      security_policy: "TLS_1_2",
    });
    expect(s.one("aws_api_gateway_base_path_mapping")).to.deep.equal({
      api_id: refTo(s, "aws_api_gateway_rest_api", () => true, "id"),
      domain_name: refTo(s, "aws_api_gateway_domain_name", () => true, "domain_name"),
      stage_name: refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "prod", "stage_name"),
      base_path: "v1",
    });
    const outputs = Object.values(s.json.output) as { value: string }[];
    expect(outputs.map((o) => o.value)).to.include(refTo(s, "aws_api_gateway_domain_name", () => true, "regional_domain_name"));
    expect(domain.domainName).to.equal("api.example.com");
  });

  it("refuses to synthesize an API without routes (API Gateway cannot deploy it), and a bad domain", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    const e = propError(() => Testing.synth(stack));
    expect(e.prop).to.equal("routes");
    expect(e.fix).to.match(/cannot deploy an API without methods/);
    const d = propError(() => api.addDomainName("not a domain", { certificateArn: "arn", stage: "prod" }));
    expect(d.prop).to.equal("domainName");
    const st = propError(() => api.addDomainName("api.example.com", { certificateArn: "arn", stage: "staging" }));
    expect(st.prop).to.equal("stage");
  });
});
