// A Lambda TOKEN authorizer: "allow" → Allow with a context, anything else → Unauthorized.
export const handler = async (event) => {
  if (event.authorizationToken !== "allow") throw new Error("Unauthorized");
  return {
    principalId: "user-1",
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }] },
    context: { tier: "gold" },
  };
};
