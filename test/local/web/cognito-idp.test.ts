/**
 * The local Cognito user-pool API, driven by the AWS SDK's own client (so the wire format is
 * the SDK's: X-Amz-Target, application/x-amz-json-1.1, `__type` errors). Expected shapes
 * from the Amazon Cognito API reference, InitiateAuth (response `AuthenticationResult` with
 * AccessToken, ExpiresIn 3600, IdToken, RefreshToken, TokenType "Bearer"; a refresh answers
 * without a RefreshToken; NotAuthorizedException "Incorrect username or password.").
 */
import { CognitoIdentityProviderClient, GetUserCommand, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { expect } from "chai";
import { decodeJwt, generateKeyPair, SignJWT } from "jose";
import { connect } from "node:net";
import { LocalCognito } from "../../../scripts/local/authorizers";
import type { AppClientModel } from "../../../scripts/local/model/types";
import { LocalUserPools, startCognitoIdp } from "../../../scripts/local/web/cognito-idp";

const POOL = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_TestPool1";
/** An SDK client that allows USER_PASSWORD_AUTH (the page's client does not: see hosted-ui.test.ts). */
const CLIENT = "testclient0000000000000001";
/** A client like the image gallery's: SRP and refresh only. */
const SRP_ONLY = "testclient0000000000000002";
const client = (id: string, explicitAuthFlows: string[]): AppClientModel => ({ id, poolArn: POOL, explicitAuthFlows, oauthEnabled: false, oauthFlows: [], oauthScopes: [], callbackUrls: [], logoutUrls: [] });

describe("local Cognito user-pool API", function () {
  let cognito: LocalCognito;
  let pools: LocalUserPools;
  let idp: { url: string; close(): Promise<void> };
  let sdk: CognitoIdentityProviderClient;

  before(async function () {
    cognito = new LocalCognito();
    await cognito.addPool(POOL, [CLIENT, SRP_ONLY]);
    pools = new LocalUserPools(cognito);
    pools.setPools(new Map([[POOL, [CLIENT, SRP_ONLY]]]), [client(CLIENT, ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]), client(SRP_ONLY, ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])]);
    idp = await startCognitoIdp(pools);
    sdk = new CognitoIdentityProviderClient({ endpoint: idp.url, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  });

  after(async function () {
    sdk?.destroy();
    await idp?.close();
  });

  it("seeds one user per pool, with a password that meets the pool's policy", function () {
    const [user, ...others] = pools.seededUsers();
    expect(others).to.deep.equal([]);
    expect(user!.userPoolId).to.equal("us-east-1_TestPool1");
    expect(user!.password).to.match(/[A-Z]/).and.match(/[a-z]/).and.match(/[0-9]/);
    expect(user!.password.length).to.be.at.least(12);
  });

  it("signs in with USER_PASSWORD_AUTH: ID and access tokens the gateway's issuer verifies, and a refresh token", async function () {
    const user = pools.seededUsers()[0]!;
    const out = await sdk.send(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: CLIENT, AuthParameters: { USERNAME: user.username, PASSWORD: user.password } }));
    const r = out.AuthenticationResult!;
    expect(r).to.include({ ExpiresIn: 3600, TokenType: "Bearer" });
    expect(r.RefreshToken).to.be.a("string");
    const id = await cognito.verify([POOL], r.IdToken!);
    expect(id).to.include({ token_use: "id", aud: CLIENT, email: user.username, sub: user.sub, iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1" });
    const access = await cognito.verify([POOL], r.AccessToken!);
    expect(access).to.include({ token_use: "access", client_id: CLIENT, username: user.username });

    const me = await sdk.send(new GetUserCommand({ AccessToken: r.AccessToken! }));
    expect(me.Username).to.equal(user.username);
    expect(me.UserAttributes).to.deep.include({ Name: "sub", Value: user.sub });

    const refreshed = await sdk.send(new InitiateAuthCommand({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: CLIENT, AuthParameters: { REFRESH_TOKEN: r.RefreshToken! } }));
    expect(refreshed.AuthenticationResult!.RefreshToken, "a refresh returns no new refresh token").to.equal(undefined);
    expect(decodeJwt(refreshed.AuthenticationResult!.IdToken!).sub).to.equal(user.sub);
  });

  it("answers a wrong password, an unknown user, an unknown client and a bad refresh token as Cognito does", async function () {
    const user = pools.seededUsers()[0]!;
    const refused = async (command: InitiateAuthCommand) => sdk.send(command).then(() => "accepted", (e: Error & { $metadata?: { httpStatusCode?: number } }) => `${e.$metadata?.httpStatusCode} ${e.name}: ${e.message}`);
    expect(await refused(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: CLIENT, AuthParameters: { USERNAME: user.username, PASSWORD: "wrong" } }))).to.equal("400 NotAuthorizedException: Incorrect username or password.");
    expect(await refused(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: CLIENT, AuthParameters: { USERNAME: "nobody@example.com", PASSWORD: user.password } }))).to.equal("400 NotAuthorizedException: Incorrect username or password.");
    expect(await refused(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: "other", AuthParameters: { USERNAME: user.username, PASSWORD: user.password } }))).to.match(/^400 ResourceNotFoundException: /);
    expect(await refused(new InitiateAuthCommand({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: CLIENT, AuthParameters: { REFRESH_TOKEN: "forged" } }))).to.equal("400 NotAuthorizedException: Invalid Refresh Token");
    expect(await refused(new InitiateAuthCommand({ AuthFlow: "CUSTOM_AUTH", ClientId: CLIENT, AuthParameters: {} }))).to.match(/^400 InvalidParameterException: /);
    // a client whose explicit_auth_flows leave USER_PASSWORD_AUTH out refuses it, as Cognito does
    expect(await refused(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: SRP_ONLY, AuthParameters: { USERNAME: user.username, PASSWORD: user.password } }))).to.equal("400 InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client");
  });

  it("the gateway's issuer accepts its tokens and nothing else: a look-alike signed with another key is refused", async function () {
    const user = pools.seededUsers()[0]!;
    const out = await sdk.send(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: CLIENT, AuthParameters: { USERNAME: user.username, PASSWORD: user.password } }));
    const claims = decodeJwt(out.AuthenticationResult!.IdToken!);
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "local" }).sign(privateKey);
    expect(await cognito.verify([POOL], out.AuthenticationResult!.IdToken!)).to.not.equal(undefined);
    expect(await cognito.verify([POOL], forged)).to.equal(undefined);
  });

  it("answers a request target that is not a URL with a Cognito error and keeps serving (it once threw and ended npm start)", async function () {
    const { port } = new URL(idp.url);
    for (const line of ["GET http://[ HTTP/1.1", "POST http://[ HTTP/1.1", "GET http://[/oauth2/authorize HTTP/1.1"]) {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), "127.0.0.1", () => socket.end(`${line}\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
        let data = "";
        socket.setEncoding("utf8").on("data", (c: string) => (data += c)).on("end", () => resolve(data)).on("error", reject);
      });
      expect(reply.split("\r\n")[0], line).to.match(/^HTTP\/1\.1 400 /);
      expect(reply, line).to.include('"__type":"UnknownOperationException"');
    }
    const user = pools.seededUsers()[0]!;
    const out = await sdk.send(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: CLIENT, AuthParameters: { USERNAME: user.username, PASSWORD: user.password } }));
    expect(out.AuthenticationResult?.IdToken).to.be.a("string");
  });
});
