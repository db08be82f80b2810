/**
 * The gateway's pure pieces: reference resolution, routing precedence, VTL helpers, token
 * buckets and quotas (with a fake clock), Lambda permission matching, proxy responses.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { globMatch, policyAllows } from "../../scripts/local/authorizers";
import { selectResponse } from "../../scripts/local/integrations";
import { proxyResponse } from "../../scripts/local/proxy-response";
import { permitted, resolveTarget } from "../../scripts/local/lambda";
import { startGateway } from "../../scripts/local/gateway";
import { buildModel, environmentsOf } from "../../scripts/local/model/build";
import { loadStack, Resolver } from "../../modules/tfjson";
import { localComputed } from "../../scripts/local/model/computed";
import type { FunctionModel, ResourceNode } from "../../scripts/local/model/types";
import { evaluateResourcePolicy, inCidr, parseResourcePolicy, policyDenialMessage, policyWarnings, type PolicyRequest } from "../../scripts/local/policy";
import { route } from "../../scripts/local/router";
import { normalizeMethodPath, periodStart, Quotas, TokenBucket } from "../../scripts/local/throttle";
import { header, readRequest } from "../../scripts/local/request";
import { renderAccessLog } from "../../scripts/local/server";
import { inputVariable, jsonPath, renderTemplate, util } from "../../scripts/local/vtl";
import velocity from "velocityjs";
import type { IncomingMessage } from "node:http";

function writeStack(outdir: string, name: string, doc: object): void {
  mkdirSync(join(outdir, "stacks", name), { recursive: true });
  writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(doc));
}

describe("local gateway units", function () {
  describe("Terraform references", function () {
    let outdir: string;
    before(function () {
      outdir = mkdtempSync(join(tmpdir(), "gateway-refs-"));
      writeStack(outdir, "svc-dev", {
        provider: { aws: [{ region: "eu-west-1" }] },
        resource: {
          aws_api_gateway_rest_api: { Api: { "//": { metadata: {} }, name: "svc" } },
          aws_api_gateway_resource: {
            A: { rest_api_id: "${aws_api_gateway_rest_api.Api.id}", parent_id: "${aws_api_gateway_rest_api.Api.root_resource_id}", path_part: "a" },
            B: { rest_api_id: "${aws_api_gateway_rest_api.Api.id}", parent_id: "${aws_api_gateway_resource.A.id}", path_part: "{b}" },
          },
          aws_lambda_function: { Fn: { function_name: "svc-fn", filename: "assets/fn/archive.zip", publish: true, environment: { variables: { TABLE: "${aws_dynamodb_table.T.name}", BUCKET: "${data.terraform_remote_state.cross.outputs.artifacts}", ESCAPED: "$${stageVariables.x}" } } } },
          aws_lambda_alias: { Live: { function_name: "${aws_lambda_function.Fn.function_name}", function_version: "${aws_lambda_function.Fn.version}", name: "live" } },
          aws_dynamodb_table: { T: { name: "dev-T", hash_key: "id", attribute: [{ name: "id", type: "S" }] } },
          aws_api_gateway_api_key: { K: { name: "k" }, V: { name: "v", value: "given-value-0123456789" } },
        },
      });
      writeStack(outdir, "platform-dev", { resource: { aws_s3_bucket: { Art: { bucket: "dev-artifacts" } } }, output: { artifacts: { value: "${aws_s3_bucket.Art.bucket}" } } });
      writeStack(outdir, "svc-prod", { resource: {} });
    });
    after(() => rmSync(outdir, { recursive: true, force: true }));

    it("synthesizes computed attributes and resolves interpolations, across stacks through remote state outputs", function () {
      const stacks = ["svc-dev", "platform-dev"].map((s) => loadStack(outdir, s));
      const r = new Resolver(stacks, { computed: localComputed("http://127.0.0.1:9") });
      const svc = stacks[0]!;
      const fn = svc.at("aws_lambda_function.Fn")!;
      expect(r.attr(fn, "arn")).to.equal("arn:aws:lambda:eu-west-1:123456789012:function:svc-fn");
      expect(r.attr(fn, "invoke_arn")).to.equal("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:svc-fn/invocations");
      expect(r.attr(fn, "version")).to.equal("1");
      expect(r.config(fn).environment).to.deep.equal({ variables: { TABLE: "dev-T", BUCKET: "dev-artifacts", ESCAPED: "${stageVariables.x}" } });
      const alias = svc.resources.get("aws_lambda_alias.Live")!;
      expect(r.attr(alias, "arn")).to.equal("arn:aws:lambda:eu-west-1:123456789012:function:svc-fn:live");
      const api = svc.resources.get("aws_api_gateway_rest_api.Api")!;
      expect(r.attr(api, "id")).to.match(/^[a-z0-9]{10}$/);
      expect(r.attr(api, "execution_arn")).to.equal(`arn:aws:execute-api:eu-west-1:123456789012:${r.attr(api, "id")}`);
      expect(r.attr(svc.resources.get("aws_api_gateway_resource.B")!, "path")).to.equal("/a/{b}");
      expect(r.attr(svc.resources.get("aws_api_gateway_api_key.K")!, "value")).to.match(/^[A-Za-z0-9]{40}$/);
      expect(r.attr(svc.resources.get("aws_api_gateway_api_key.V")!, "value")).to.equal("given-value-0123456789");
    });

    it("builds the model of the first environment and skips the platform stack", function () {
      const model = buildModel({ outdir, gatewayUrl: "http://127.0.0.1:9" });
      expect(model.env).to.equal("dev");
      expect(model.stacks).to.deep.equal(["svc-dev"]);
      expect(model.functions[0]!.aliases.get("live")).to.equal("1");
      expect(model.functions[0]!.zipPath).to.equal(join(outdir, "stacks", "svc-dev", "assets/fn/archive.zip"));
      expect(model.tables[0]).to.include({ name: "dev-T", hashKey: "id" });
      expect(() => buildModel({ outdir, env: "qa", gatewayUrl: "http://x" })).to.throw(/environment "qa"/);
    });

    it("orders environments by ENVIRONMENTS, then by first appearance", function () {
      const saved = process.env.ENVIRONMENTS;
      try {
        delete process.env.ENVIRONMENTS;
        expect(environmentsOf(["a-dev", "b-prod", "platform-dev"])).to.deep.equal(["dev", "prod"]);
        process.env.ENVIRONMENTS = "prod,dev";
        expect(environmentsOf(["a-dev", "b-prod"])).to.deep.equal(["prod", "dev"]);
      } finally {
        if (saved === undefined) delete process.env.ENVIRONMENTS;
        else process.env.ENVIRONMENTS = saved;
      }
    });
  });

  describe("a function that cannot run locally", function () {
    it("is reported, answers 502, and leaves the rest of the API serving", async function () {
      const outdir = mkdtempSync(join(tmpdir(), "gateway-broken-"));
      const api = "${aws_api_gateway_rest_api.Api.id}";
      writeStack(outdir, "svc-dev", {
        resource: {
          aws_api_gateway_rest_api: { Api: { name: "svc" } },
          aws_api_gateway_resource: { Fn: { rest_api_id: api, parent_id: "${aws_api_gateway_rest_api.Api.root_resource_id}", path_part: "fn" }, Ok: { rest_api_id: api, parent_id: "${aws_api_gateway_rest_api.Api.root_resource_id}", path_part: "ok" } },
          aws_api_gateway_method: {
            FnGet: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Fn.id}", http_method: "GET", authorization: "NONE" },
            OkGet: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Ok.id}", http_method: "GET", authorization: "NONE" },
          },
          aws_api_gateway_integration: {
            FnGet: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Fn.id}", http_method: "${aws_api_gateway_method.FnGet.http_method}", type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.Fn.invoke_arn}" },
            OkGet: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Ok.id}", http_method: "GET", type: "MOCK", request_templates: { "application/json": '{"statusCode": 200}' } },
          },
          aws_api_gateway_integration_response: { OkGet: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Ok.id}", http_method: "GET", status_code: "200", response_templates: { "application/json": '{"ok": true}' } } },
          aws_api_gateway_stage: { Dev: { rest_api_id: api, stage_name: "dev", deployment_id: "x" } },
          aws_lambda_function: { Fn: { function_name: "svc-fn", filename: "${path.module}/assets/missing.zip", handler: "index.handler", runtime: "nodejs22.x" } },
          aws_lambda_permission: { Fn: { function_name: "${aws_lambda_function.Fn.function_name}", principal: "apigateway.amazonaws.com", action: "lambda:InvokeFunction", source_arn: "${aws_api_gateway_rest_api.Api.execution_arn}/*" } },
        },
      });
      const lines: string[] = [];
      const gateway = await startGateway({ outdir, port: 0, stateDir: join(outdir, "state"), log: (l) => lines.push(l) });
      try {
        expect(lines.some((l) => l.startsWith("warning: function svc-fn: cannot unzip"))).to.equal(true);
        const broken = await fetch(`${gateway.url}/svc-dev/dev/fn`);
        expect(broken.status).to.equal(502);
        expect(await broken.json()).to.deep.equal({ message: "Internal server error" });
        const ok = await fetch(`${gateway.url}/svc-dev/dev/ok`);
        expect(await ok.json()).to.deep.equal({ ok: true });
      } finally {
        await gateway.close();
        rmSync(outdir, { recursive: true, force: true });
      }
    });
  });

  describe("routing", function () {
    const node = (id: string, pathPart: string, methods: string[] = ["GET"], children: ResourceNode[] = []): ResourceNode => {
      const n: ResourceNode = { id, pathPart, path: "", children, methods: new Map() };
      for (const m of methods) n.methods.set(m, { httpMethod: m, resource: n, authorization: "NONE", apiKeyRequired: false, requestParameters: {}, requestModels: {}, responses: new Map() });
      return n;
    };
    const tree = node("root", "", [], [node("items", "items", ["GET"], [node("new", "new"), node("id", "{id}", ["GET"], [node("deep", "{deep+}", ["ANY"])]), node("proxy", "{proxy+}", ["ANY"])])]);

    it("prefers literal over parameter over greedy", function () {
      expect(route(tree, "/items/new", "GET")!.resource.id).to.equal("new");
      expect(route(tree, "/items/42", "GET")!.resource.id).to.equal("id");
      expect(route(tree, "/items/42", "GET")!.pathParameters).to.deep.equal({ id: "42" });
      expect(route(tree, "/items/42/x/y", "POST")!.resource.id).to.equal("deep");
      expect(route(tree, "/items/42/x/y", "POST")!.pathParameters).to.deep.equal({ id: "42", deep: "x/y" });
    });

    it("falls back to a greedy sibling when the more specific resource lacks the method", function () {
      const m = route(tree, "/items/new", "POST")!;
      expect(m.resource.id).to.equal("proxy");
      expect(m.method?.httpMethod).to.equal("ANY");
    });

    it("finds no method for an unknown method on a resource without a greedy sibling", function () {
      expect(route(tree, "/items", "DELETE")?.method).to.equal(undefined);
      expect(route(tree, "/other", "GET")).to.equal(undefined);
    });
  });

  describe("VTL", function () {
    const params = { path: { id: "7" }, querystring: { q: "a b" }, header: { "X-Trace": "t1" } };

    it("implements $input.json, $input.path, $input.params and $input.body", function () {
      const input = inputVariable('{"a":{"b":[1,2]},"s":"x"}', params);
      const out = renderTemplate(`$input.json('$.a') | $input.path('$.a.b[1]') | $input.path('$.s') | $input.params('id') | $input.params('q') | $input.params('x-trace') | $input.params().path.id | $input.body`, { input });
      expect(out).to.equal('{"b":[1,2]} | 2 | x | 7 | a b | t1 | 7 | {"a":{"b":[1,2]},"s":"x"}');
    });

    it("implements the $util functions", function () {
      const out = renderTemplate(`$util.escapeJavaScript($s)|$util.urlEncode("a b&c")|$util.urlDecode("a+b%26c")|$util.base64Encode("hi")|$util.base64Decode("aGk=")|$util.parseJson('{"k":3}').k`, { util, s: `say "hi"\n` });
      expect(out).to.equal('say \\"hi\\"\\n|a+b%26c|a b&c|aGk=|hi|3');
    });

    it("supports the Java-style calls templates make", function () {
      expect(renderTemplate(`#set($Integer = 1)#set($n = $Integer.parseInt("41"))$n`, {})).to.equal("41");
      expect(renderTemplate(`$s.length() $s.equals("abc") $s.toUpperCase() $s.replaceAll("b", "X")`, { s: "abc" })).to.equal("3 true ABC aXc");
      expect(() => renderTemplate(`$Integer.parseInt("x")`, {})).to.throw(/NumberFormatException/);
    });

    it("prints Double arithmetic as Java does, and integers as integers", function () {
      expect(renderTemplate(`#set($i = 2)#set($d = $i * 1.5)#set($e = $d * 2)#set($n = $i * 3)$i $d $e $n`, {})).to.equal("2 3.0 6.0 6");
    });

    it("prints a template without references or directives exactly as Velocity does", function () {
      for (const t of ['{"statusCode": 200}', "", "  \n plain text \\ with a backslash, 'quotes' and \"double\" ones \n", "a\\nb"]) {
        expect(renderTemplate(t, {}), JSON.stringify(t)).to.equal(velocity.render(t, {}));
      }
    });

    it("evaluates JSONPath wildcards", function () {
      expect(jsonPath({ a: [{ b: 1 }, { b: 2 }] }, "$.a[*].b")).to.deep.equal([1, 2]);
      expect(jsonPath({ "a-b": 1 }, "$['a-b']")).to.equal(1);
    });

    it("reads only the body's and the request's own names: constructor, toString and __proto__ are missing unless sent", function () {
      // As a missing field renders (test/local/aws-recorded, "$input.path of a missing field"), not
      // as JavaScript's inherited members.
      const input = inputVariable('{"a":{"b":1}}', params);
      expect(renderTemplate(`[$input.path('$.constructor')][$input.path('$.a.toString')][$input.json('$.__proto__')][$input.params('constructor')][$input.params('hasOwnProperty')]`, { input })).to.equal("[][][][][]");
      const sent = inputVariable('{"constructor":"c"}', { path: {}, querystring: JSON.parse('{"__proto__":"q","toString":"t"}') as Record<string, string>, header: {} });
      expect(renderTemplate(`$input.path('$.constructor') $input.params('__proto__') $input.params('toString')`, { input: sent })).to.equal("c q t");
    });
  });

  describe("throttling and quotas", function () {
    it("lets a burst through, then refills at the rate", function () {
      let now = 0;
      const bucket = new TokenBucket(2, 3, () => now);
      expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).to.deep.equal([true, true, true, false]);
      now += 500;
      expect([bucket.take(), bucket.take()]).to.deep.equal([true, false]);
      now += 10_000;
      expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).to.deep.equal([true, true, true, false]);
    });

    it("counts a quota per period and resets at the next period", function () {
      let now = Date.UTC(2026, 0, 5, 23, 0, 0);
      const quotas = new Quotas(() => now);
      expect([1, 2, 3].map(() => quotas.take("k", 2, "DAY", 0))).to.deep.equal([true, true, false]);
      now += 2 * 3600 * 1000;
      expect(quotas.take("k", 2, "DAY", 0)).to.equal(true);
    });

    it("computes period starts in UTC", function () {
      const t = Date.UTC(2026, 10, 19, 15, 0, 0); // a Thursday
      expect(new Date(periodStart("DAY", 0, t)).toISOString()).to.equal("2026-11-19T00:00:00.000Z");
      expect(new Date(periodStart("WEEK", 0, t)).toISOString()).to.equal("2026-11-16T00:00:00.000Z");
      expect(new Date(periodStart("MONTH", 0, t)).toISOString()).to.equal("2026-11-01T00:00:00.000Z");
    });

    it("normalizes method paths in API Gateway's ~1 form", function () {
      expect(normalizeMethodPath("~1items~1{ID}/GET")).to.equal("/items/{ID}/GET");
      expect(normalizeMethodPath("items/{ID}/GET")).to.equal("/items/{ID}/GET");
      expect(normalizeMethodPath("*/*")).to.equal("*/*");
    });
  });

  describe("Lambda targets and permissions", function () {
    const fn: FunctionModel = {
      stack: "s",
      resourceName: "Fn",
      functionName: "f",
      arn: "arn:aws:lambda:us-east-1:123456789012:function:f",
      region: "us-east-1",
      zipPath: "/dev/null",
      handler: "index.handler",
      runtime: "nodejs22.x",
      timeoutSeconds: 3,
      memoryMb: 128,
      environment: {},
      version: "1",
      aliases: new Map([
        ["dev", "$LATEST"],
        ["prod", "1"],
      ]),
    };
    const source = "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/items/1";

    it("resolves aliases to versions and rejects unknown qualifiers", function () {
      expect(resolveTarget([fn], `${fn.arn}:prod`)).to.include({ version: "1", qualifier: "prod", invokedArn: `${fn.arn}:prod` });
      expect(resolveTarget([fn], fn.arn)).to.include({ version: "$LATEST", qualifier: undefined, invokedArn: fn.arn });
      expect(resolveTarget([fn], `${fn.arn}:$LATEST`)).to.include({ version: "$LATEST", invokedArn: `${fn.arn}:$LATEST` });
      expect(resolveTarget([fn], `${fn.arn}:1`)).to.include({ version: "1", invokedArn: `${fn.arn}:1` });
      expect(resolveTarget([fn], `${fn.arn}:staging`)).to.equal(undefined);
      for (const unpublished of ["0", "2", "01"]) expect(resolveTarget([fn], `${fn.arn}:${unpublished}`), unpublished).to.equal(undefined);
    });

    it("requires the principal, the qualifier and a matching source ARN", function () {
      const target = resolveTarget([fn], `${fn.arn}:prod`)!;
      const base = { functionName: "f", principal: "apigateway.amazonaws.com", action: "lambda:InvokeFunction" };
      expect(permitted([{ ...base, qualifier: "prod", sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/items/*" }], target, [source])).to.equal(true);
      expect(permitted([{ ...base, qualifier: "dev", sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc/*/*" }], target, [source])).to.equal(false);
      expect(permitted([{ ...base, sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc/*/*" }], target, [source])).to.equal(false);
      expect(permitted([{ ...base, qualifier: "prod", sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc/*/POST/*" }], target, [source])).to.equal(false);
      expect(permitted([{ ...base, functionName: `${fn.arn}:prod`, sourceArn: "arn:aws:execute-api:*" }], target, [source])).to.equal(true);
      expect(permitted([{ ...base, qualifier: "prod", principal: "s3.amazonaws.com" }], target, [source])).to.equal(false);
    });

    it("evaluates authorizer policies with explicit deny winning", function () {
      const allow = { Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:abc/*/GET/*" };
      expect(policyAllows({ Statement: [allow] }, source)).to.equal(true);
      expect(policyAllows({ Statement: [allow, { ...allow, Effect: "Deny", Resource: source }] }, source)).to.equal(false);
      expect(policyAllows({ Statement: [] }, source)).to.equal(false);
      expect(globMatch("a?c*", "abcdef")).to.equal(true);
    });
  });

  describe("requests and access logs", function () {
    const incoming = (rawHeaders: string[]) => ({ rawHeaders, method: "get", socket: { remoteAddress: "::ffff:127.0.0.1" } }) as unknown as IncomingMessage;

    it("keeps the first spelling of a repeated header, its last value, and finds headers in any case", function () {
      const req = readRequest(incoming(["Accept", "a/b", "X-Tag", "1", "x-tag", "2", "Host", "h"]), "/p", "q=1&q=2", Buffer.alloc(0));
      expect(req.headers).to.deep.equal({ Accept: "a/b", "X-Tag": "2", Host: "h" });
      expect(req.multiValueHeaders).to.deep.equal({ Accept: ["a/b"], "X-Tag": ["1", "2"], Host: ["h"] });
      expect(req.query).to.deep.equal({ q: "2" });
      expect(req.multiValueQuery).to.deep.equal({ q: ["1", "2"] });
      expect(req.sourceIp).to.equal("127.0.0.1");
      expect(req.httpMethod).to.equal("GET");
      expect(header(req, "x-TAG")).to.equal("2");
      expect(header(req, "missing")).to.equal(undefined);
      expect(header({ ...req, lowerHeaders: undefined }, "x-TAG"), "without the index").to.equal("2");
    });

    it("renders an access log format: nested paths, missing or empty values as -, quotes and backslashes escaped", function () {
      const format = '{"id":"$context.requestId","ip":"$context.identity.sourceIp","err":"$context.error.message","latency":$context.integration.latency,"empty":"$context.resourcePath"} $context.unknown.deep';
      const ctx = { requestId: "r1", identity: { sourceIp: "127.0.0.1" }, error: { message: 'say "hi" \\ bye' }, integration: { latency: 12 }, resourcePath: "" } as unknown as Parameters<typeof renderAccessLog>[1];
      expect(renderAccessLog(format, ctx)).to.equal('{"id":"r1","ip":"127.0.0.1","err":"say \\"hi\\" \\\\ bye","latency":12,"empty":"-"} -');
      expect(renderAccessLog(format, { ...ctx, requestId: "r2", error: {} } as typeof ctx), "a second line from the same format").to.equal('{"id":"r2","ip":"127.0.0.1","err":"-","latency":12,"empty":"-"} -');
      expect(renderAccessLog("no variables", ctx)).to.equal("no variables");
    });
  });

  describe("integration responses", function () {
    it("selects by full-match selection pattern, else the default", function () {
      const responses = [
        { statusCode: "200", responseTemplates: {}, responseParameters: {} },
        { statusCode: "404", selectionPattern: ".*NotFound.*", responseTemplates: {}, responseParameters: {} },
        { statusCode: "400", selectionPattern: "Bad", responseTemplates: {}, responseParameters: {} },
      ];
      expect(selectResponse(responses, "Item NotFound here")!.statusCode).to.equal("404");
      expect(selectResponse(responses, "Bad request")!.statusCode).to.equal("200");
      expect(selectResponse(responses, "Bad")!.statusCode).to.equal("400");
      expect(selectResponse(responses, undefined)!.statusCode).to.equal("200");
    });

    it("accepts well-formed proxy responses and rejects malformed ones", function () {
      const answer = proxyResponse(JSON.stringify({ statusCode: 201, headers: { a: "1" }, multiValueHeaders: { b: ["1", "2"] }, body: "aGk=", isBase64Encoded: true }), true);
      if (!answer.ok) expect.fail(answer.reason);
      expect(answer.response.status).to.equal(201);
      expect(answer.response.body.toString()).to.equal("hi");
      expect(answer.response.headers).to.deep.include({ a: "1", b: "1, 2", "Content-Type": "application/json" });
      const text = proxyResponse(JSON.stringify({ body: "aGk=", isBase64Encoded: true }), false);
      expect(text.ok && text.response.status, "no statusCode: 200").to.equal(200);
      expect(text.ok && text.response.body.toString(), "not sent as binary: the base64 text").to.equal("aGk=");
      for (const bad of ['"text"', "[]", '{"statusCode":200,"body":{}}', '{"statusCode":200,"extra":1}', "not json"]) {
        expect(proxyResponse(bad, false), bad).to.deep.equal({ ok: false, reason: "malformed" });
      }
    });
  });

  describe("resource policies", function () {
    const apiArn = "arn:aws:execute-api:us-west-2:123456789012:abc123";
    const request = (path: string, sourceIp = "127.0.0.1", headers: Record<string, string> = {}): PolicyRequest => ({ arn: `${apiArn}/dev/${path}`, sourceIp, header: (n) => headers[n] });
    const policy = (...statements: object[]) => parseResourcePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements }), apiArn);
    const allow = { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" };

    it("expands the execute-api:/ short form to the API's ARN", function () {
      const p = policy({ ...allow, Resource: "execute-api:/dev/GET/items" });
      expect(p.statements[0]!.resources).to.deep.equal([`${apiArn}/dev/GET/items`]);
      expect(evaluateResourcePolicy(p, request("GET/items"))).to.equal("allow");
      expect(evaluateResourcePolicy(p, request("GET/items/1"))).to.equal("implicit-deny");
    });

    it("applies only statements for an anonymous principal and the Invoke action", function () {
      expect(evaluateResourcePolicy(policy({ ...allow, Principal: { AWS: "*" } }), request("GET/x"))).to.equal("allow");
      expect(evaluateResourcePolicy(policy({ ...allow, Principal: { AWS: ["arn:aws:iam::111122223333:root"] } }), request("GET/x"))).to.equal("implicit-deny");
      expect(evaluateResourcePolicy(policy({ ...allow, Action: "execute-api:*" }), request("GET/x"))).to.equal("allow");
      expect(evaluateResourcePolicy(policy({ ...allow, Action: "execute-api:InvalidateCache" }), request("GET/x"))).to.equal("implicit-deny");
      expect(evaluateResourcePolicy(policy({ ...allow, Action: undefined, NotAction: "execute-api:InvalidateCache" }), request("GET/x"))).to.equal("allow");
    });

    it("lets an explicit Deny win over an Allow, and honours NotResource", function () {
      const deny = { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", NotResource: ["execute-api:/*/GET/*"] };
      const p = policy(allow, deny);
      expect(evaluateResourcePolicy(p, request("GET/items"))).to.equal("allow");
      expect(evaluateResourcePolicy(p, request("DELETE/items"))).to.equal("explicit-deny");
    });

    it("evaluates source IP ranges, IPv4 and IPv6, with and without a prefix", function () {
      expect(inCidr("127.0.0.1", "127.0.0.0/8")).to.equal(true);
      expect(inCidr("127.0.0.1", "10.0.0.0/8")).to.equal(false);
      expect(inCidr("203.0.113.9", "203.0.113.9")).to.equal(true);
      expect(inCidr("2001:db8::1", "2001:db8::/32")).to.equal(true);
      expect(inCidr("127.0.0.1", "2001:db8::/32")).to.equal(false);
      const onlyFrom = (op: string, cidrs: string[]) => policy({ ...allow, Condition: { [op]: { "aws:SourceIp": cidrs } } });
      expect(evaluateResourcePolicy(onlyFrom("IpAddress", ["192.0.2.0/24", "127.0.0.1/32"]), request("GET/x"))).to.equal("allow");
      expect(evaluateResourcePolicy(onlyFrom("IpAddress", ["192.0.2.0/24"]), request("GET/x"))).to.equal("implicit-deny");
      expect(evaluateResourcePolicy(onlyFrom("NotIpAddress", ["192.0.2.0/24"]), request("GET/x"))).to.equal("allow");
      expect(evaluateResourcePolicy(onlyFrom("NotIpAddress", ["127.0.0.0/8"]), request("GET/x"))).to.equal("implicit-deny");
    });

    it("treats VPC keys as absent: positive operators fail, negated ones and ...IfExists hold", function () {
      const vpc = (op: string) => policy({ ...allow, Condition: { [op]: { "aws:SourceVpc": "vpc-1" } } });
      expect(evaluateResourcePolicy(vpc("StringEquals"), request("GET/x"))).to.equal("implicit-deny");
      expect(evaluateResourcePolicy(vpc("StringNotEquals"), request("GET/x"))).to.equal("allow");
      expect(evaluateResourcePolicy(vpc("StringEqualsIfExists"), request("GET/x"))).to.equal("allow");
    });

    it("matches string conditions on the request's headers, and ANDs every condition", function () {
      const p = policy({ ...allow, Condition: { StringLike: { "aws:Referer": "https://*.example.com/*" }, IpAddress: { "aws:SourceIp": "127.0.0.0/8" } } });
      expect(evaluateResourcePolicy(p, request("GET/x", "127.0.0.1", { referer: "https://app.example.com/page" }))).to.equal("allow");
      expect(evaluateResourcePolicy(p, request("GET/x", "127.0.0.1", { referer: "https://evil.test/" }))).to.equal("implicit-deny");
      expect(evaluateResourcePolicy(p, request("GET/x", "192.0.2.1", { referer: "https://app.example.com/page" }))).to.equal("implicit-deny");
    });

    it("warns about operators it cannot evaluate, whose statements then never apply", function () {
      const p = policy({ ...allow, Sid: "Later", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } });
      expect(policyWarnings(p)).to.deep.equal(["condition operator DateGreaterThan is not evaluated locally: its statement Later never applies"]);
      expect(evaluateResourcePolicy(p, request("GET/x"))).to.equal("implicit-deny");
    });

    it("leaves out, with a warning, a statement whose Effect is neither Allow nor Deny", function () {
      const p = policy({ ...allow, Effect: "allow", Sid: "Lower" }, { ...allow, Effect: undefined });
      expect(policyWarnings(p)).to.deep.equal(["statement Lower has an Effect other than Allow or Deny: it never applies", "statement #2 has an Effect other than Allow or Deny: it never applies"]);
      expect(evaluateResourcePolicy(p, request("GET/x"))).to.equal("implicit-deny");
    });

    it("words the denial as API Gateway does, with the account id masked", function () {
      expect(policyDenialMessage("explicit-deny", `${apiArn}/dev/GET/`)).to.equal("User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-west-2:********9012:abc123/dev/GET/ with an explicit deny");
      expect(policyDenialMessage("implicit-deny", `${apiArn}/dev/GET/`)).to.equal("User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-west-2:********9012:abc123/dev/GET/");
    });
  });
});
